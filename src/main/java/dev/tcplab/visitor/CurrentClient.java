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

	/**
	 * Where the CPU time of a job the current request runs is charged: the request's
	 * {@link ClientCpuBudget.Meter}, or nothing outside a request.
	 */
	public dev.tcplab.simulation.CpuAccount cpuAccount() {
		if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a
				&& a.getRequest().getAttribute(ClientCpuBudget.METER) instanceof ClientCpuBudget.Meter meter) {
			return meter;
		}
		return dev.tcplab.simulation.CpuAccount.NONE;
	}

}
