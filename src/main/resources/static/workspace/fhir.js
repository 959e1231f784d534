// The FHIR API with the signed-in person's token. Every call goes to the public API, so the server's access
// policy decides what the workspace sees and may do, as for any other client.
import { FHIR_BASE, session, refresh } from './smart.js';

/** An API refusal, with the OperationOutcome's own words (what to fix) as its message. */
export class FhirError extends Error {
	constructor(status, message, outcome) {
		super(message);
		this.status = status;
		this.outcome = outcome;
	}
}

export async function request(path, { method = 'GET', body, headers = {}, raw = false } = {}) {
	const used = session()?.accessToken;
	let response = await send(path, method, body, headers);
	// an expired token: another call may have renewed it meanwhile, else renew it now
	if (response.status === 401 && (session()?.accessToken !== used || await refresh())) {
		response = await send(path, method, body, headers);
	}
	if (response.status === 401) {
		window.dispatchEvent(new CustomEvent('workspace:signed-out'));
	}
	if (!response.ok) {
		throw await errorOf(response);
	}
	if (raw) return response;
	return response.status === 204 ? null : response.json();
}

/**
 * The URL of a call: relative to the FHIR base, or absolute on it. Anything else is refused, so that the
 * token never goes to another server, whatever URL a record carries.
 */
export function apiUrl(path) {
	const url = new URL(path, FHIR_BASE + '/');
	const base = new URL(FHIR_BASE).pathname;
	if (url.origin !== location.origin || (url.pathname !== base && !url.pathname.startsWith(base + '/'))) {
		throw new Error('Not a URL of this server\'s FHIR API: ' + path);
	}
	return url.href;
}

function send(path, method, body, headers) {
	const current = session();
	const url = apiUrl(path);
	return fetch(url, {
		method,
		credentials: 'omit', // the token is the only credential: no cookie rides along
		redirect: 'error', // and it never follows a redirect elsewhere
		headers: {
			Accept: 'application/fhir+json',
			...(body ? { 'Content-Type': 'application/fhir+json' } : {}),
			...(current ? { Authorization: 'Bearer ' + current.accessToken } : {}),
			...headers
		},
		body: body ? JSON.stringify(body) : undefined
	});
}

async function errorOf(response) {
	const outcome = await response.json().catch(() => null);
	const issues = outcome && outcome.resourceType === 'OperationOutcome' ? outcome.issue || [] : [];
	const text = issues.map(issue => [issue.diagnostics || (issue.details && issue.details.text), issue.expression && issue.expression.join(', ')]
		.filter(Boolean).join(' at ')).filter(Boolean);
	const message = text.length ? text.join('; ') : 'The server answered ' + response.status + ' ' + response.statusText;
	return new FhirError(response.status, message, outcome);
}

/** A search followed through its next pages, up to {@code limit} entries: a worklist is never cut at one page. */
export async function searchAll(type, params, limit = 1000) {
	let bundle = await search(type, params);
	const entries = [...(bundle.entry || [])];
	for (let next = nextLink(bundle); next && entries.length < limit; next = nextLink(bundle)) {
		bundle = await request(next);
		entries.push(...(bundle.entry || []));
	}
	return { resourceType: 'Bundle', type: 'searchset', entry: entries };
}

const nextLink = bundle => (bundle.link || []).find(link => link.relation === 'next')?.url;

export const search = (type, params) => request(type + '?' + new URLSearchParams(params).toString());
export const create = resource => request(resource.resourceType, { method: 'POST', body: resource });
export const update = resource => request(resource.resourceType + '/' + resource.id, { method: 'PUT', body: resource });
export const operation = (path, parameters) => request(path, {
	method: 'POST', body: { resourceType: 'Parameters', parameter: parameters }
});

/** A Parameters parameter's parts by name, each part's value[x] as it is (a Reference stays an object). */
export function partsOf(parameter) {
	return Object.fromEntries((parameter.part || []).map(part => {
		const key = Object.keys(part).find(name => name.startsWith('value'));
		return [part.name, key ? part[key] : undefined];
	}));
}

/** The resources of a search Bundle, by type, following include/match order. */
export function resources(bundle, type) {
	return (bundle.entry || []).map(entry => entry.resource).filter(resource => resource && (!type || resource.resourceType === type));
}

/** Binary content as a Blob, for showing a record in the page or saving it. */
export async function binary(url, contentType) {
	const response = await request(url, { headers: { Accept: contentType || '*/*' }, raw: true });
	return response.blob();
}
