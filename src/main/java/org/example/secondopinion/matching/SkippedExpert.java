package org.example.secondopinion.matching;

/** An expert the case should not go to now, and why ("inactive", "unavailable until ..."). */
public record SkippedExpert(ExpertCandidate expert, String reason) {
}
