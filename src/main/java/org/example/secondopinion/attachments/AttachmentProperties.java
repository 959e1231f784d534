package org.example.secondopinion.attachments;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where large binary content lives, bound from {@code second-opinion.attachments.*}.
 *
 * @param directory      folder of the binary files (a folder per node is wrong: nodes must share it)
 * @param externalizeAbove content larger than this, sent inline (base64) in Binary.data or
 *                       Attachment.data, is moved out of the database into the folder
 * @param maxSize        the largest upload accepted; FHIR R4's Attachment.size cannot say more than 2 GiB - 1
 */
@ConfigurationProperties("second-opinion.attachments")
public record AttachmentProperties(
		String directory,
		@DefaultValue("64KB") DataSize externalizeAbove,
		@DefaultValue("2047MB") DataSize maxSize) {}
