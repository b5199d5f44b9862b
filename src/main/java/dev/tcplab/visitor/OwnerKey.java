package dev.tcplab.visitor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Whose simulations are whose: a random key the server gives a browser (or any HTTP
 * client that keeps cookies) in the {@value #COOKIE} cookie the first time it creates a
 * simulation, and that it sends back with every request. {@code GET
 * /api/simulations?mine=true} lists the simulations made with the same key. Only its
 * SHA-256 hash is kept, so the list of a key can be asked for only by whoever holds the
 * key. The key decides what is listed, never what is allowed: limits count the client
 * address ({@link CurrentClient}), which a client cannot choose.
 */
@Component
public class OwnerKey {

	/** The cookie's name. */
	public static final String COOKIE = "tcplab_owner";

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{16,64}");

	private static final String ISSUED = OwnerKey.class.getName() + ".issued";

	private final SecureRandom random = new SecureRandom();

	/**
	 * The hash of the key the current request carries, or null (no request, no cookie, or
	 * a malformed one).
	 */
	public String current() {
		HttpServletRequest request = request();
		if (request == null) {
			return null;
		}
		if (request.getAttribute(ISSUED) instanceof String issued) {
			return issued;
		}
		String key = cookie(request);
		return key == null ? null : hash(key);
	}

	/**
	 * The hash of the current request's key; when it carries none, a new key is issued
	 * with this request's answer ({@code Set-Cookie}: HttpOnly, SameSite=Lax, path /api,
	 * Secure over HTTPS, for the browser session). Null outside a request.
	 */
	public String currentOrIssue() {
		String known = current();
		if (known != null) {
			return known;
		}
		if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a)) {
			return null;
		}
		HttpServletResponse response = a.getResponse();
		if (response == null || response.isCommitted()) {
			return null;
		}
		byte[] bytes = new byte[18];
		random.nextBytes(bytes);
		String key = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		ResponseCookie cookie = ResponseCookie.from(COOKIE, key)
			.httpOnly(true)
			.sameSite("Lax")
			.path("/api")
			.secure(a.getRequest().isSecure())
			.build();
		response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
		String hashed = hash(key);
		a.getRequest().setAttribute(ISSUED, hashed);
		return hashed;
	}

	private static HttpServletRequest request() {
		return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a ? a.getRequest()
				: null;
	}

	private static String cookie(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return null;
		}
		for (Cookie c : cookies) {
			if (COOKIE.equals(c.getName()) && c.getValue() != null && VALID.matcher(c.getValue()).matches()) {
				return c.getValue();
			}
		}
		return null;
	}

	/** The stored form of a key: its SHA-256, hex. */
	static String hash(String key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
