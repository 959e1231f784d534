package org.example.secondopinion.matching;

/**
 * An expert the case may go to.
 *
 * @param rank   1 for the best match
 * @param reason why, for the staff who assign: "orthopaedic-oncology; available; 2 open cases"
 */
public record RankedExpert(ExpertCandidate expert, int rank, String reason) {
}
