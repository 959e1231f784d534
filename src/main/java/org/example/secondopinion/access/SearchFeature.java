package org.example.secondopinion.access;

/** The parts of a search whose criteria look at other resources than the ones returned. */
public enum SearchFeature {
	/** {@code _has}: matches on resources that refer to the ones returned. */
	REVERSE_CHAIN,
	/** {@code subject.name=...}: matches on resources the returned ones refer to. */
	CHAIN,
	/** {@code _contained}: matches on contained resources. */
	CONTAINED,
	/** {@code _filter}: an expression that may hold chains of its own. */
	FILTER
}
