package org.example.secondopinion.access;

/** A change to stored resources, however it arrives (REST, transaction entry, patch, conditional, upload). */
public enum Interaction {
	CREATE, UPDATE, DELETE
}
