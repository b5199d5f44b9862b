package dev.tcplab.visitor;

import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

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
	 * The header in which nginx passes the id it routed a request by when the request
	 * names no simulation ({@code deploy/nginx.conf}); see {@link #proxySimulationId}.
	 */
	public static final String PROXY_ID_HEADER = "X-Simulation-Id";

	private static final Pattern UUID_FORM = Pattern
		.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	/**
	 * Set on a request once its proxy id is taken: one simulation per request gets it.
	 */
	private static final String PROXY_ID_TAKEN = CurrentClient.class.getName() + ".proxyIdTaken";

	/**
	 * Tomcat's RemoteIpValve marks every request whose peer is a proxy trusted for
	 * X-Forwarded-For ({@code server.tomcat.remoteip.internal-proxies}) with this
	 * attribute.
	 */
	private static final String FROM_TRUSTED_PROXY = "org.apache.tomcat.request.forwarded";

	/**
	 * The id the proxy made for the current request's first new simulation
	 * ({@link #PROXY_ID_HEADER}), or null: only from a proxy trusted for X-Forwarded-For
	 * (a client elsewhere cannot choose an id, e.g. the id of a deleted shared
	 * simulation), only in the lower-case UUID form, once per request.
	 */
	public String proxySimulationId() {
		if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a)) {
			return null;
		}
		HttpServletRequest request = a.getRequest();
		if (!Boolean.TRUE.equals(request.getAttribute(FROM_TRUSTED_PROXY))
				|| request.getAttribute(PROXY_ID_TAKEN) != null) {
			return null;
		}
		String id = request.getHeader(PROXY_ID_HEADER);
		if (id == null || !UUID_FORM.matcher(id).matches()) {
			return null;
		}
		request.setAttribute(PROXY_ID_TAKEN, Boolean.TRUE);
		return id;
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
