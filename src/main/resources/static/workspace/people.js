// Who is signed in, as the FHIR directory knows them. The token's fhirUser is the expert's identifier
// (system|value); the PractitionerRole it names is the performer of their opinions and the sender of
// their questions.
import { session } from './smart.js';
import { search, resources } from './fhir.js';

let cached = null;

export async function me() {
	const current = session();
	if (!current) return null;
	if (cached && cached.fhirUser === current.user.fhirUser) return cached;
	let role = null;
	if (current.user.role === 'expert' && current.user.fhirUser) {
		const found = resources(await search('PractitionerRole', { identifier: current.user.fhirUser }), 'PractitionerRole');
		role = found[0] || null;
	}
	cached = { fhirUser: current.user.fhirUser, role: current.user.role, name: current.user.name, practitionerRole: role };
	return cached;
}

export const referenceTo = resource => resource.resourceType + '/' + resource.id;
