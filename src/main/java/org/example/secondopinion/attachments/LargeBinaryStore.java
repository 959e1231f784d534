package org.example.secondopinion.attachments;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binary.api.StoredDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Set;
import org.example.secondopinion.security.OrganisationLabels;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.HapiExtensions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.StringType;

/**
 * Large binaries as streams: an upload goes straight from the request into HAPI's binary storage (a
 * folder), hashed on the way, and only then is its Binary resource stored, pointing to it the way
 * HAPI's own binary storage does. A download streams the file back. Memory use does not grow with the
 * size of the content.
 */
public class LargeBinaryStore {

	/** HAPI's binary storage files content under ten folders named by the first characters of its id. */
	private static final int FOLDER_LEVELS = 10;

	private final IBinaryStorageSvc storage;
	private final DaoRegistry daoRegistry;
	private final Path folder;

	/** {@code folder}: the one HAPI's binary storage writes to. */
	public LargeBinaryStore(IBinaryStorageSvc storage, DaoRegistry daoRegistry, Path folder) {
		this.storage = storage;
		this.daoRegistry = daoRegistry;
		this.folder = folder;
	}

	/**
	 * Stores the content and then its Binary, labelled with the organisations it belongs to. If reading the content fails (the client went away), or
	 * its hash differs from {@code expectedSha1Base64}, what was written is removed and nothing is stored.
	 */
	public StoredUpload store(String contentType, InputStream content, Optional<String> expectedSha1Base64,
			Set<String> organisations) throws IOException {
		IdType id = new IdType("Binary", "so-" + UUID.randomUUID());
		String blobId = storage.newBinaryContentId();
		MessageDigest sha1 = sha1();
		StoredDetails stored;
		try (DigestInputStream hashing = new DigestInputStream(content, sha1)) {
			stored = storage.storeBinaryContent(id, blobId, contentType, hashing, new SystemRequestDetails());
		} catch (IOException | RuntimeException e) {
			discard(id, blobId);
			throw e;
		}
		String hash = Base64.getEncoder().encodeToString(sha1.digest());
		if (expectedSha1Base64.isPresent() && !expectedSha1Base64.get().equals(hash)) {
			discard(id, blobId);
			throw new HashMismatchException(expectedSha1Base64.get(), hash);
		}
		Binary binary = new Binary();
		binary.setId(id);
		binary.setContentType(contentType);
		OrganisationLabels.set(binary, organisations);
		binary.getDataElement().addExtension(HapiExtensions.EXT_EXTERNALIZED_BINARY_ID, new StringType(blobId));
		try {
			daoRegistry.getResourceDao(Binary.class).update(binary, new SystemRequestDetails());
		} catch (RuntimeException e) {
			discard(id, blobId);
			throw e;
		}
		return new StoredUpload(id.getIdPart(), contentType, stored.getBytes(), hash);
	}

	/**
	 * Removes what a failed upload wrote: its file, and the folders of its path that are left empty (from
	 * the deepest up, never the storage folder itself). A folder another upload is using is not empty, and
	 * one removed just before another upload needs it is created again by HAPI, with its parents.
	 */
	private void discard(IdType id, String blobId) {
		storage.expungeBinaryContent(id, blobId);
		Path deepest = folder;
		for (int i = 0; i < FOLDER_LEVELS; i++) {
			deepest = deepest.resolve(blobId.substring(i, i + 1));
		}
		for (Path path = deepest; !path.equals(folder); path = path.getParent()) {
			try {
				Files.deleteIfExists(path);
			} catch (IOException notEmptyOrBusy) {
				return; // in use by other content: so are the folders above it
			}
		}
	}

	/** The stored file of a Binary, if it has one outside the database. */
	public Optional<StoredFile> file(String binaryId) {
		Binary binary;
		try {
			binary = daoRegistry.getResourceDao(Binary.class).read(new IdType("Binary", binaryId), new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return Optional.empty();
		}
		var blobId = binary.getDataElement().getExtensionByUrl(HapiExtensions.EXT_EXTERNALIZED_BINARY_ID);
		if (blobId == null) {
			return Optional.empty();
		}
		IdType id = new IdType("Binary", binaryId);
		String blob = blobId.getValue().primitiveValue();
		try {
			StoredDetails details = storage.fetchBinaryContentDetails(id, blob);
			return details == null ? Optional.empty()
					: Optional.of(new StoredFile(binary, details.getBytes(), out -> storage.writeBinaryContent(id, blob, out)));
		} catch (IOException e) {
			return Optional.empty();
		}
	}

	/** A stored file, ready to be written to a response. */
	public record StoredFile(Binary binary, long size, Writer writer) {

		public String contentType() {
			return binary.getContentType();
		}
	}

	@FunctionalInterface
	public interface Writer {
		void writeTo(OutputStream out) throws IOException;
	}

	/** The content's SHA-1 is not the one the client said it sent. */
	public static class HashMismatchException extends RuntimeException {
		public HashMismatchException(String expected, String actual) {
			super("The content's SHA-1 is " + actual + ", not " + expected + " as the Digest header says; nothing was stored");
		}
	}

	private static MessageDigest sha1() {
		try {
			return MessageDigest.getInstance("SHA-1");
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
