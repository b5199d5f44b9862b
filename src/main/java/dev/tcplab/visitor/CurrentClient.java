package dev.tcplab.visitor;

import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who is asking: the client address of the current HTTP request as the container sees it
 * (behind a trusted proxy, Tomcat's RemoteIpValve has already put the forwarded address
 * there), or {@code "local"} outside a request.
 */
@Component
public class CurrentClient {

	public String address() {
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a) {
			return a.getRequest().getRemoteAddr();
		}
		return "local";
	}

}
