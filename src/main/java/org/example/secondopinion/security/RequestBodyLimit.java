package org.example.secondopinion.security;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.example.secondopinion.attachments.StreamingBinaryFilter;
import org.example.secondopinion.config.RestfulServerConfig;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above {@code second-opinion.security.max-request-body} with 413: at once when
 * the Content-Length says so, or as soon as a chunked body passes the limit (HAPI then answers the 413).
 * HAPI holds a whole body in memory, so without a limit one request could exhaust it. Raw Binary
 * uploads are streamed to disk and have their own limit ({@code second-opinion.attachments.max-size}).
 */
public class RequestBodyLimit extends OncePerRequestFilter {

	private final long maxBytes;

	public RequestBodyLimit(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return StreamingBinaryFilter.isRawUpload(request, RestfulServerConfig.FHIR_PATH);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > maxBytes) {
			response.setHeader("Connection", "close");
			OperationOutcomeResponses.write(response, 413, IssueType.TOOCOSTLY, message());
			return;
		}
		chain.doFilter(new LimitedBody(request), response);
	}

	private String message() {
		return "The request body is larger than the server accepts (" + maxBytes + " bytes)";
	}

	/** 413 from inside HAPI, which turns it into an OperationOutcome. */
	static class PayloadTooLarge extends BaseServerResponseException {
		PayloadTooLarge(String message) {
			super(413, message);
		}
	}

	private class LimitedBody extends HttpServletRequestWrapper {

		private ServletInputStream limited;

		LimitedBody(HttpServletRequest request) {
			super(request);
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (limited == null) {
				limited = new Counting(super.getInputStream());
			}
			return limited;
		}
	}

	private class Counting extends ServletInputStream {

		private final ServletInputStream body;
		private long read;

		Counting(ServletInputStream body) {
			this.body = body;
		}

		@Override
		public int read() throws IOException {
			int b = body.read();
			count(b < 0 ? 0 : 1);
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = body.read(buffer, offset, length);
			count(Math.max(n, 0));
			return n;
		}

		private void count(int n) {
			read += n;
			if (read > maxBytes) {
				throw new PayloadTooLarge(message());
			}
		}

		@Override
		public boolean isFinished() {
			return body.isFinished();
		}

		@Override
		public boolean isReady() {
			return body.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			body.setReadListener(listener);
		}
	}
}
