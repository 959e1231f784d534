package org.example.secondopinion.cases;

import java.util.UUID;
import org.example.secondopinion.samples.SampleBundles;

/**
 * A sample case made new for one test: the referring hospital's identifiers, the opinion's and the
 * discussion's get a unique suffix, so the case starts from submission whatever other tests stored.
 * The expert directory (01) is shared, as in production.
 */
public final class SampleCase {

	private final String hospitalDomain;
	private final String unique = UUID.randomUUID().toString().substring(0, 8);

	public SampleCase(String hospitalDomain) {
		this.hospitalDomain = hospitalDomain;
	}

	public String file(String name) {
		return SampleBundles.read(SampleBundles.FOLDER.resolve(name))
				.replace(hospitalDomain, unique + "-" + hospitalDomain)
				.replace("SO-2026-", "SO-" + unique + "-")
				.replace("COMM-", "COMM-" + unique + "-");
	}

	/** The request's placer identifier as a search token, e.g. for ServiceRequest?identifier=. */
	public String orderSystem() {
		return "https://" + unique + "-" + hospitalDomain + "/id/order";
	}
}
