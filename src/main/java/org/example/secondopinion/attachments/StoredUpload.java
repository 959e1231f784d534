package org.example.secondopinion.attachments;

/** What a streamed upload stored: the Binary's id, its content type, its size and SHA-1 (base64, as Attachment.hash). */
public record StoredUpload(String binaryId, String contentType, long size, String sha1Base64) {}
