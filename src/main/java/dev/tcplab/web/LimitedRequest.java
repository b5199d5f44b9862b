package dev.tcplab.web;

import java.io.IOException;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.springframework.web.server.PayloadTooLargeException;

/**
 * A request whose body (of unknown length, e.g. chunked) may be read only up to a limit;
 * reading past it throws {@link PayloadTooLargeException} (413 through Spring's error
 * handling).
 */
final class LimitedRequest extends HttpServletRequestWrapper {

	private final long limit;

	private ServletInputStream stream;

	LimitedRequest(HttpServletRequest request, long limit) {
		super(request);
		this.limit = limit;
	}

	@Override
	public ServletInputStream getInputStream() throws IOException {
		if (this.stream == null) {
			this.stream = new Limited(super.getInputStream(), this.limit);
		}
		return this.stream;
	}

	private static final class Limited extends ServletInputStream {

		private final ServletInputStream in;

		private final long limit;

		private long count;

		Limited(ServletInputStream in, long limit) {
			this.in = in;
			this.limit = limit;
		}

		@Override
		public int read() throws IOException {
			int b = this.in.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buf, int off, int len) throws IOException {
			int n = this.in.read(buf, off, len);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) {
			this.count += n;
			if (this.count > this.limit) {
				throw new PayloadTooLargeException(new IllegalStateException(
						"the request body is larger than " + this.limit + " bytes (tcplab.http.max-request-body)"));
			}
		}

		@Override
		public boolean isFinished() {
			return this.in.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.in.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.in.setReadListener(listener);
		}

	}

}
