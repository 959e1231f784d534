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
import java.util.zip.GZIPInputStream;
import org.example.secondopinion.attachments.StreamingBinaryFilter;
import org.example.secondopinion.config.RestfulServerConfig;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above {@code second-opinion.security.max-request-body} with 413: at once when
 * the Content-Length says so, or as soon as a chunked body passes the limit (HAPI then answers the 413).
 * A gzip-encoded body ({@code Content-Encoding: gzip}) is decoded here and its decoded bytes are counted,
 * so a small body that inflates to gigabytes stops at the limit; HAPI then sees the decoded body.
 * HAPI holds a whole body in memory, so without a limit one request could exhaust it. Raw Binary
 * uploads are streamed to disk and have their own limit ({@code second-opinion.attachments.max-size}).
 */
public class RequestBodyLimit extends OncePerRequestFilter {

	private static final String CONTENT_ENCODING = "Content-Encoding";

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
			OperationOutcomeResponses.write(request, response, 413, IssueType.TOOCOSTLY, message());
			return;
		}
		chain.doFilter(new LimitedBody(request), response);
	}

	private String message() {
		return "The request body is larger than the server accepts (" + maxBytes + " bytes)";
	}

	private static java.io.InputStream gunzipped(ServletInputStream raw) {
		try {
			return new GZIPInputStream(raw);
		} catch (IOException e) {
			throw new NotGzip();
		}
	}

	/** 400 from inside HAPI: the body says it is gzip-encoded and is not. */
	static class NotGzip extends BaseServerResponseException {
		NotGzip() {
			super(400, "The request body is not valid gzip, as its Content-Encoding header says");
		}
	}

	/** 413 from inside HAPI, which turns it into an OperationOutcome. */
	static class PayloadTooLarge extends BaseServerResponseException {
		PayloadTooLarge(String message) {
			super(413, message);
		}
	}

	private class LimitedBody extends HttpServletRequestWrapper {

		private final boolean gzip;
		private ServletInputStream limited;

		LimitedBody(HttpServletRequest request) {
			super(request);
			String encoding = request.getHeader(CONTENT_ENCODING);
			gzip = encoding != null && encoding.trim().equalsIgnoreCase("gzip");
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (limited == null) {
				ServletInputStream raw = super.getInputStream();
				limited = new Counting(raw, gzip ? gunzipped(raw) : raw);
			}
			return limited;
		}

		/** The body is decoded here: HAPI must not decode it again. */
		@Override
		public String getHeader(String name) {
			return gzip && CONTENT_ENCODING.equalsIgnoreCase(name) ? null : super.getHeader(name);
		}

		@Override
		public java.util.Enumeration<String> getHeaders(String name) {
			return gzip && CONTENT_ENCODING.equalsIgnoreCase(name) ? java.util.Collections.emptyEnumeration() : super.getHeaders(name);
		}

		@Override
		public long getContentLengthLong() {
			return gzip ? -1 : super.getContentLengthLong();
		}

		@Override
		public int getContentLength() {
			return gzip ? -1 : super.getContentLength();
		}
	}

	private class Counting extends ServletInputStream {

		private final ServletInputStream raw;
		private final java.io.InputStream body;
		private long read;

		Counting(ServletInputStream raw, java.io.InputStream body) {
			this.raw = raw;
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
			int n;
			try {
				n = body.read(buffer, offset, length);
			} catch (java.util.zip.ZipException e) {
				throw new NotGzip();
			}
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
			return raw.isFinished();
		}

		@Override
		public boolean isReady() {
			return raw.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			raw.setReadListener(listener);
		}
	}
}
