// The case's records, each viewable in the page (text, images, PDF) or saved when large. Attachments are
// fetched with the person's token and shown from a blob: URL, so the browser never asks the API without it.
import { binary, apiUrl } from './fhir.js';
import { h, date, codeText, act } from './ui.js';

/** Above this size a record is offered for download only: showing it would hold all of it in the page. */
const SHOWN_UP_TO = 20 * 1024 * 1024;
/**
 * The types shown in the page, each with how (text as text, images in an img, PDF in a frame) and the file
 * extension a download of it gets. Exact media types (parameters dropped), never the sender's own string: a
 * "type" like application/pdf,text/html must not make a framed page of the workspace's origin out of a record.
 */
const SHOWN_TYPES = new Map([
	['text/plain', { how: 'text', extension: 'txt' }], ['text/markdown', { how: 'text', extension: 'md' }],
	['image/png', { how: 'image', extension: 'png' }], ['image/jpeg', { how: 'image', extension: 'jpg' }],
	['image/gif', { how: 'image', extension: 'gif' }], ['image/webp', { how: 'image', extension: 'webp' }],
	['application/pdf', { how: 'pdf', extension: 'pdf' }]]);

const mediaType = attachment => (attachment.contentType || '').split(';')[0].trim().toLowerCase();

let shownUrl = null;

export function documentList(documents, viewer) {
	if (documents.length === 0) return h('p', { class: 'text-secondary' }, 'No documents.');
	return h('ul', { class: 'list-group', id: 'documents' }, documents.map(document => h('li', { class: 'list-group-item', 'data-record': 'DocumentReference/' + document.id },
		h('div', { class: 'fw-semibold' }, codeText(document.type) || document.description || 'Document'),
		h('div', { class: 'small text-secondary' }, [document.description, date(document.date)].filter(Boolean).join(' · ')),
		(document.content || []).map((content, index) => attachmentActions(content.attachment || {}, viewer, codeText(document.type) + ' ' + (index + 1))))));
}

function attachmentActions(attachment, viewer, label) {
	const type = attachment.contentType || 'application/octet-stream';
	const inline = attachment.data ? Math.floor(attachment.data.length * 3 / 4) : null;
	const size = inline ?? attachment.size ?? null;
	const showable = SHOWN_TYPES.has(mediaType(attachment)) && (size === null || size <= SHOWN_UP_TO);
	const view = h('button', { type: 'button', class: 'btn btn-sm btn-outline-primary me-2', 'aria-label': 'View ' + label }, 'View');
	view.addEventListener('click', () => act(view, async () => showIn(viewer, attachment, await blobOf(attachment))));
	const save = h('button', { type: 'button', class: 'btn btn-sm btn-outline-secondary', 'aria-label': 'Download ' + label }, 'Download');
	save.addEventListener('click', () => act(save, async () => download(attachment, await blobOf(attachment), label)));
	return h('div', { class: 'mt-2 d-flex align-items-center flex-wrap gap-1' },
		h('span', { class: 'small me-2' }, type, size !== null ? ' · ' + humanSize(size) : ''),
		showable ? view : null, save);
}

/** The record's bytes, typed with the exact media type when it is one the page shows, else as opaque bytes. */
async function blobOf(attachment) {
	const type = SHOWN_TYPES.has(mediaType(attachment)) ? mediaType(attachment) : 'application/octet-stream';
	if (attachment.data) {
		return new Blob([Uint8Array.from(atob(attachment.data), c => c.charCodeAt(0))], { type });
	}
	if (!attachment.url) throw new Error('This record has neither data nor a URL to fetch it from.');
	// records kept elsewhere are not fetched with the person's token: apiUrl refuses any URL off this server
	apiUrl(attachment.url);
	// asked for as its own type, so that the server answers the bytes rather than a Binary resource
	const asked = /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(mediaType(attachment)) ? mediaType(attachment) : '*/*';
	const fetched = await binary(attachment.url, asked);
	return new Blob([fetched], { type });
}

async function showIn(viewer, attachment, blob) {
	if (shownUrl) URL.revokeObjectURL(shownUrl);
	const how = SHOWN_TYPES.get(blob.type)?.how;
	const title = attachment.title || blob.type;
	let content;
	if (how === 'text') {
		content = h('pre', { class: 'record-text', id: 'record-text' }, await blob.text());
		shownUrl = null;
	} else if (how === 'image' || how === 'pdf') {
		shownUrl = URL.createObjectURL(blob);
		content = how === 'image'
			? h('img', { class: 'record-image', src: shownUrl, alt: title, id: 'record-image' })
			: h('iframe', { class: 'record-frame', src: shownUrl, title, id: 'record-pdf', 'data-type': blob.type });
	} else {
		throw new Error('This kind of record cannot be shown in the page; download it instead.');
	}
	viewer.replaceChildren(h('h3', { class: 'h6', tabindex: '-1' }, title), content);
	viewer.hidden = false;
	viewer.querySelector('h3').focus();
}

/** Saved under a name of our making: the sender's title could carry a misleading extension (.html, .exe). */
function download(attachment, blob, label) {
	const url = URL.createObjectURL(blob);
	const name = (label || 'record').replace(/[^A-Za-z0-9 _-]+/g, '').trim().replace(/\s+/g, '-').substring(0, 60) || 'record';
	const link = h('a', { href: url, download: name + '.' + (SHOWN_TYPES.get(blob.type)?.extension || 'bin') });
	document.body.append(link);
	link.click();
	link.remove();
	setTimeout(() => URL.revokeObjectURL(url), 60000);
}

function humanSize(bytes) {
	if (bytes < 1024) return bytes + ' B';
	if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + ' KB';
	return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

/** Structured records (Observation, Procedure, ...) in the groups $case puts them in. */
export function structuredRecords(entries) {
	if (entries.length === 0) return null;
	const groups = new Map();
	for (const { group, resource } of entries) {
		if (!groups.has(group)) groups.set(group, []);
		groups.get(group).push(resource);
	}
	return h('div', { id: 'structured-records' }, [...groups].map(([group, list]) => h('div', { class: 'mb-2' },
		h('h3', { class: 'h6 text-capitalize' }, group),
		h('ul', { class: 'small' }, list.map(resource => h('li', { 'data-record': resource.resourceType + '/' + resource.id }, summary(resource)))))));
}

export function summary(resource) {
	const what = codeText(resource.code) || codeText(resource.type) || codeText(resource.medicationCodeableConcept)
		|| resource.description || (resource.modality || []).map(m => m.code).join(', ') || '';
	const value = resource.valueQuantity ? resource.valueQuantity.value + ' ' + (resource.valueQuantity.unit || '')
		: resource.valueString || codeText(resource.valueCodeableConcept) || resource.conclusion || '';
	const when = resource.effectiveDateTime || resource.performedDateTime || resource.started || resource.recordedDate
		|| resource.onsetDateTime || resource.issued || '';
	return [resource.resourceType + ':', what, value ? '= ' + value : '', when ? '(' + date(when) + ')' : ''].filter(Boolean).join(' ');
}
