package org.example.secondopinion.attachments;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.stream.Stream;
import org.example.secondopinion.GeneratedContent;
import org.example.secondopinion.Http;
import org.example.secondopinion.ServerProcess;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB imaging study goes up and comes back down through a server whose heap is half that size
 * (-Xmx512m), with its size and SHA-1 checked and recorded on the attachment; an interrupted upload and
 * a wrong hash leave nothing behind. The server runs in a JVM of its own, to have that heap.
 */
class LargeAttachmentIT {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final long ONE_GIB = 1L << 30;

	private static Path dataDir;
	private static ServerProcess server;

	@BeforeAll
	static void startServerWithASmallHeap() throws IOException {
		dataDir = Files.createTempDirectory(Path.of("target"), "large-attachments-");
		server = ServerProcess.start("512m", dataDir, dataDir.resolve("server.log"));
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void aOneGibStudyIsUploadedAndDownloadedAsAStreamWithItsSizeAndHashOnTheAttachment() throws Exception {
		String sha1 = GeneratedContent.sha1(ONE_GIB, 42);

		long started = System.nanoTime();
		HttpResponse<String> upload = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Binary"))
				.header("Content-Type", "application/dicom")
				.header("Digest", "SHA=" + sha1)
				.timeout(Duration.ofMinutes(10))
				.POST(HttpRequest.BodyPublishers.fromPublisher(
						HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedContent(ONE_GIB, 42)), ONE_GIB))
				.build());
		double uploadSeconds = (System.nanoTime() - started) / 1e9;

		assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
		Attachment attachment = (Attachment) FHIR.newJsonParser().parseResource(Parameters.class, upload.body())
				.getParameter("attachment").getValue();
		assertThat(attachment.getSize()).isEqualTo((int) ONE_GIB);
		assertThat(attachment.getHashElement().getValueAsString()).isEqualTo(sha1);
		assertThat(attachment.getContentType()).isEqualTo("application/dicom");
		assertThat(attachment.getUrl()).startsWith("Binary/");

		started = System.nanoTime();
		HttpResponse<InputStream> download = Http.sendForStream(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/" + attachment.getUrl()))
				.header("Accept", "application/dicom").timeout(Duration.ofMinutes(10)).GET().build());
		assertThat(download.statusCode()).isEqualTo(200);
		assertThat(download.headers().firstValue("Content-Type")).contains("application/dicom");
		MessageDigest received = MessageDigest.getInstance("SHA-1");
		long bytes = 0;
		try (InputStream body = new DigestInputStream(download.body(), received)) {
			byte[] buffer = new byte[1 << 16];
			for (int read; (read = body.read(buffer)) != -1; ) {
				bytes += read;
			}
		}
		double downloadSeconds = (System.nanoTime() - started) / 1e9;
		assertThat(bytes).isEqualTo(ONE_GIB);
		assertThat(Base64.getEncoder().encodeToString(received.digest())).isEqualTo(sha1);
		assertThat(server.isAlive()).as("no OutOfMemoryError with -Xmx512m").isTrue();
		System.out.printf(Locale.ROOT, "1 GiB with -Xmx512m: upload %.0f MB/s, download %.0f MB/s%n",
				ONE_GIB / 1e6 / uploadSeconds, ONE_GIB / 1e6 / downloadSeconds);

		DocumentReference record = new DocumentReference().setStatus(Enumerations.DocumentReferenceStatus.CURRENT);
		record.addContent().setAttachment(attachment);
		HttpResponse<String> created = post("/DocumentReference", FHIR.newJsonParser().encodeResourceToString(record));
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		Attachment stored = FHIR.newJsonParser().parseResource(DocumentReference.class, created.body()).getContentFirstRep().getAttachment();
		assertThat(stored.getUrl()).isEqualTo(attachment.getUrl());
		assertThat(stored.getHashElement().getValueAsString()).isEqualTo(sha1);
	}

	@Test
	void anInterruptedUploadLeavesNothingBehind() throws Exception {
		int binariesBefore = binaryCount();
		long filesBefore = storedFiles();
		long foldersBefore = storageFolders();

		try (Socket socket = new Socket("localhost", server.port())) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /fhir/Binary HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/dicom\r\n"
					+ "Content-Length: 50000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			byte[] part = new byte[1 << 20];
			try (InputStream content = new GeneratedContent(5L << 20, 7)) {
				for (int read; (read = content.read(part, 0, part.length)) != -1; ) {
					out.write(part, 0, read);
				}
			}
			out.flush();
		} // the client goes away after 5 of the 50 MB it announced

		awaitStoredFiles(filesBefore);
		for (int i = 0; i < 100 && storageFolders() != foldersBefore; i++) {
			Thread.sleep(100); // the folders go just after the file
		}
		assertThat(storedFiles()).isEqualTo(filesBefore);
		assertThat(binaryCount()).isEqualTo(binariesBefore);
		assertThat(storageFolders()).as("the folders the upload created, removed").isEqualTo(foldersBefore);
	}

	@Test
	void aHashThatDoesNotMatchIsRefusedAndNothingIsStored() throws Exception {
		int binariesBefore = binaryCount();
		long filesBefore = storedFiles();
		long foldersBefore = storageFolders();

		HttpResponse<String> upload = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Binary"))
				.header("Content-Type", "application/pdf")
				.header("Digest", "SHA=" + GeneratedContent.sha1(1 << 20, 2))
				.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new GeneratedContent(1 << 20, 3)))
				.build());

		assertThat(upload.statusCode()).isEqualTo(422);
		assertThat(upload.body()).contains("OperationOutcome").contains("SHA-1");
		assertThat(binaryCount()).isEqualTo(binariesBefore);
		assertThat(storedFiles()).isEqualTo(filesBefore);
		assertThat(storageFolders()).as("the folders the upload created, removed").isEqualTo(foldersBefore);
	}

	@Test
	void inlineContentAboveTheLimitIsKeptOutsideTheDatabaseAndReadBackWhole() throws Exception {
		long filesBefore = storedFiles();
		byte[] scan = new byte[200_000];
		new GeneratedContent(scan.length, 11).read(scan, 0, scan.length);
		org.hl7.fhir.r4.model.Binary binary = new org.hl7.fhir.r4.model.Binary().setContentType("application/pdf").setData(scan);

		HttpResponse<String> created = post("/Binary", FHIR.newJsonParser().encodeResourceToString(binary));

		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(storedFiles()).as("the content and its descriptor, in the folder").isEqualTo(filesBefore + 2);
		String id = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Binary.class, created.body()).getIdElement().getIdPart();
		HttpResponse<String> read = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Binary/" + id))
				.header("Accept", "application/fhir+json").GET().build());
		assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Binary.class, read.body()).getData()).isEqualTo(scan);
	}

	private static HttpResponse<String> post(String path, String body) {
		return Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
				.header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
	}

	private static int binaryCount() {
		HttpResponse<String> found = Http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/Binary?_summary=count"))
				.header("Accept", "application/fhir+json").GET().build());
		return FHIR.newJsonParser().parseResource(Bundle.class, found.body()).getTotal();
	}

	/** Files in the binary storage folder (the content and HAPI's descriptor of it). */
	private static long storedFiles() throws IOException {
		Path folder = dataDir.resolve("binaries");
		if (!Files.exists(folder)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(folder)) {
			return files.filter(Files::isRegularFile).count();
		}
	}

	private static long storageFolders() throws IOException {
		Path folder = dataDir.resolve("binaries");
		if (!Files.exists(folder)) {
			return 0;
		}
		try (Stream<Path> folders = Files.walk(folder)) {
			return folders.filter(Files::isDirectory).count();
		}
	}

	private static void awaitStoredFiles(long expected) throws Exception {
		for (int i = 0; i < 100 && storedFiles() != expected; i++) {
			Thread.sleep(100);
		}
	}
}
