package org.example.secondopinion;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Random;

/** A file of any size made up on the fly (never held in memory), the same bytes each time for a seed. */
public final class GeneratedContent extends InputStream {

	private final byte[] block = new byte[1 << 20];
	private final long size;
	private long position;

	public GeneratedContent(long size, long seed) {
		this.size = size;
		new Random(seed).nextBytes(block);
	}

	@Override
	public int read() {
		if (position >= size) {
			return -1;
		}
		return byteAt(position++) & 0xff;
	}

	@Override
	public int read(byte[] buffer, int offset, int length) {
		if (position >= size) {
			return -1;
		}
		int count = (int) Math.min(length, size - position);
		for (int i = 0; i < count; i++) {
			buffer[offset + i] = byteAt(position + i);
		}
		position += count;
		return count;
	}

	/** Each 1 MiB block differs from the last by its number, so no two blocks are the same. */
	private byte byteAt(long at) {
		return (byte) (block[(int) (at % block.length)] ^ (at / block.length));
	}

	/** Base64 SHA-1 of the whole content, as FHIR's Attachment.hash holds it. */
	public static String sha1(long size, long seed) {
		try (InputStream content = new GeneratedContent(size, seed)) {
			MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
			byte[] buffer = new byte[1 << 16];
			for (int read; (read = content.read(buffer, 0, buffer.length)) != -1; ) {
				sha1.update(buffer, 0, read);
			}
			return Base64.getEncoder().encodeToString(sha1.digest());
		} catch (NoSuchAlgorithmException | java.io.IOException e) {
			throw new IllegalStateException(e);
		}
	}
}
