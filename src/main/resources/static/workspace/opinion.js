// The expert's opinion as a form: concordance, the diagnosis compared, conclusion and coded diagnosis,
// rationale, records reviewed, recommendations and impact on management. Saved as a preliminary
// DiagnosticReport, signed as the final one, amended with a reason once final.
import { create, update, search, resources } from './fhir.js';
import { h, act, say, date, codeText, stateOf } from './ui.js';
import { summary } from './records.js';
import { referenceTo } from './people.js';

const SD = 'https://second-opinion.example.org/fhir/StructureDefinition/';
const CONCORDANCE = SD + 'so-concordance';
const COMPARED = SD + 'so-compared-diagnosis';
const REVIEWED = SD + 'so-records-reviewed';
const RATIONALE = SD + 'so-rationale';
const RECOMMENDATION = SD + 'so-recommendation';
const IMPACT = SD + 'so-impact-on-management';
const AMENDMENT_REASON = SD + 'so-amendment-reason';
const DIAGNOSES = 'https://second-opinion.example.org/fhir/ValueSet/so-diagnosis';
const OPINION_IDS = 'https://second-opinion.example.org/fhir/id/opinion';

// The codes of our CodeSystems so-concordance and so-impact-on-management, with their displays.
const CONCORDANCES = [['confirmed', 'Confirmed: the original diagnosis stands'], ['refined', 'Refined: the same diagnosis, made more precise'],
	['changed', 'Changed: a different diagnosis'], ['indeterminate', 'Indeterminate: no diagnosis can be given from these records']];
const IMPACTS = [['none', 'None'], ['minor', 'Minor'], ['major', 'Major']];
const RELEASED = ['final', 'amended', 'corrected', 'appended'];

let diagnosisCodes = null;

async function codedDiagnoses() {
	if (diagnosisCodes) return diagnosisCodes;
	try {
		const valueSet = resources(await search('ValueSet', { url: DIAGNOSES }), 'ValueSet')[0];
		diagnosisCodes = (valueSet?.compose?.include || []).flatMap(include => (include.concept || [])
			.map(concept => ({ system: include.system, code: concept.code, display: concept.display })))
			.sort((a, b) => a.display.localeCompare(b.display));
	} catch (error) {
		diagnosisCodes = [];
	}
	return diagnosisCodes;
}

const extensionsOf = (opinion, url) => (opinion?.extension || []).filter(extension => extension.url === url);

export function opinionSection(theCase, person, reload) {
	const current = theCase.opinions.filter(opinion => opinion.status !== 'entered-in-error' && opinion.status !== 'cancelled')
		.sort((a, b) => (b.meta?.lastUpdated || '').localeCompare(a.meta?.lastUpdated || ''))[0];
	const container = h('section', { class: 'card card-body mb-3', id: 'opinion', 'aria-labelledby': 'opinion-title' },
		h('h2', { class: 'h5', id: 'opinion-title' }, 'Opinion'));
	const state = stateOf(theCase.task);
	const released = current && RELEASED.includes(current.status);
	if (released) {
		container.append(opinionRead(current));
		const amend = h('button', { type: 'button', class: 'btn btn-outline-primary', id: 'amend' }, 'Amend this opinion');
		amend.addEventListener('click', () => codedDiagnoses().then(codes => {
			amend.remove();
			container.append(opinionForm(theCase, person, current, codes, reload, true));
		}));
		container.append(amend);
	} else if (['assigned', 'in-review', 'awaiting-information'].includes(state)) {
		if (current) container.append(h('p', { class: 'small text-secondary', id: 'draft-saved' }, 'Preliminary opinion saved ', date(current.meta?.lastUpdated), '.'));
		const placeholder = h('p', { class: 'text-secondary' }, 'Loading the form…');
		container.append(placeholder);
		codedDiagnoses().then(codes => placeholder.replaceWith(opinionForm(theCase, person, current, codes, reload, false)));
	} else {
		container.append(h('p', { class: 'text-secondary' }, 'No opinion can be written while the case is ' + state + '.'));
	}
	return container;
}

function opinionRead(opinion) {
	const concordance = extensionsOf(opinion, CONCORDANCE)[0]?.valueCode;
	return h('div', { id: 'opinion-read', 'data-status': opinion.status },
		h('p', {}, h('span', { class: 'badge bg-success me-2' }, opinion.status), 'Issued ', date(opinion.issued || opinion.meta?.lastUpdated)),
		h('dl', {},
			h('dt', {}, 'Concordance'), h('dd', {}, concordance || '—'),
			h('dt', {}, 'Conclusion'), h('dd', { class: 'prewrap' }, opinion.conclusion || '—'),
			h('dt', {}, 'Coded diagnosis'), h('dd', {}, (opinion.conclusionCode || []).map(codeText).join('; ') || '—'),
			h('dt', {}, 'Rationale'), h('dd', { class: 'prewrap' }, extensionsOf(opinion, RATIONALE)[0]?.valueMarkdown || '—'),
			h('dt', {}, 'Recommendations'), h('dd', {}, h('ul', {}, extensionsOf(opinion, RECOMMENDATION).map(extension => h('li', {}, extension.valueString)))),
			h('dt', {}, 'Impact on management'), h('dd', {}, extensionsOf(opinion, IMPACT)[0]?.valueCode || '—'),
			extensionsOf(opinion, AMENDMENT_REASON).length ? [h('dt', {}, 'Reason for the amendment'), h('dd', {}, extensionsOf(opinion, AMENDMENT_REASON)[0].valueString)] : null));
}

function field(id, label, control, help) {
	return h('div', { class: 'mb-3' }, h('label', { for: id, class: 'form-label fw-semibold' }, label), control,
		help ? h('div', { class: 'form-text', id: id + '-help' }, help) : null);
}

function opinionForm(theCase, person, current, codes, reload, amending) {
	const concordanceNow = extensionsOf(current, CONCORDANCE)[0]?.valueCode;
	const concordance = h('fieldset', { class: 'mb-3', id: 'concordance' },
		h('legend', { class: 'form-label fw-semibold fs-6' }, 'Concordance with the original diagnosis'),
		CONCORDANCES.map(([code, label]) => h('div', { class: 'form-check' },
			h('input', { class: 'form-check-input', type: 'radio', name: 'concordance', id: 'concordance-' + code, value: code, checked: concordanceNow === code }),
			h('label', { class: 'form-check-label', for: 'concordance-' + code }, label))));

	const comparedNow = extensionsOf(current, COMPARED)[0]?.valueReference?.reference;
	const compared = h('select', { class: 'form-select', id: 'compared-diagnosis' },
		h('option', { value: '' }, 'Choose the diagnosis compared'),
		theCase.diagnoses.map(condition => h('option', { value: 'Condition/' + condition.id, selected: comparedNow === 'Condition/' + condition.id }, codeText(condition.code))));
	if (!comparedNow && theCase.diagnoses.length === 1) compared.value = 'Condition/' + theCase.diagnoses[0].id;

	const conclusion = h('textarea', { class: 'form-control', id: 'conclusion', rows: '3' });
	conclusion.value = current?.conclusion || '';

	const codedNow = (current?.conclusionCode || []).flatMap(concept => concept.coding || []).find(coding => codes.some(code => code.system === coding.system && code.code === coding.code));
	const coded = h('select', { class: 'form-select', id: 'diagnosis-code', 'aria-describedby': 'diagnosis-code-help' },
		h('option', { value: '' }, 'No coded diagnosis'),
		codes.map(code => h('option', { value: code.system + '|' + code.code, selected: codedNow && codedNow.code === code.code }, code.display + ' (' + code.code + ')')));

	const rationale = h('textarea', { class: 'form-control', id: 'rationale', rows: '5', 'aria-describedby': 'rationale-help' });
	rationale.value = extensionsOf(current, RATIONALE)[0]?.valueMarkdown || '';

	const reviewedNow = new Set(extensionsOf(current, REVIEWED).map(extension => extension.valueReference?.reference));
	const reviewable = [
		...theCase.documents.map(document => ({ reference: 'DocumentReference/' + document.id, label: codeText(document.type) || document.description || 'Document' })),
		...theCase.structured.map(({ resource }) => ({ reference: resource.resourceType + '/' + resource.id, label: summary(resource) }))
	];
	const reviewed = h('fieldset', { class: 'mb-3', id: 'records-reviewed' },
		h('legend', { class: 'form-label fw-semibold fs-6' }, 'Records reviewed'),
		reviewable.map((record, index) => h('div', { class: 'form-check' },
			h('input', { class: 'form-check-input', type: 'checkbox', id: 'reviewed-' + index, value: record.reference, 'data-label': record.label, checked: reviewedNow.has(record.reference) }),
			h('label', { class: 'form-check-label', for: 'reviewed-' + index }, record.label))));

	const recommendations = h('textarea', { class: 'form-control', id: 'recommendations', rows: '4', 'aria-describedby': 'recommendations-help' });
	recommendations.value = extensionsOf(current, RECOMMENDATION).map(extension => extension.valueString).join('\n');

	const impactNow = extensionsOf(current, IMPACT)[0]?.valueCode;
	const impact = h('select', { class: 'form-select', id: 'impact' }, h('option', { value: '' }, 'Not stated'),
		IMPACTS.map(([code, label]) => h('option', { value: code, selected: impactNow === code }, label)));

	const reason = h('textarea', { class: 'form-control', id: 'amendment-reason', rows: '2', required: true });
	const signed = h('input', { class: 'form-check-input', type: 'checkbox', id: 'sign-confirm' });

	const form = h('form', { id: 'opinion-form', novalidate: true },
		concordance,
		field('compared-diagnosis', 'Diagnosis compared', compared),
		field('conclusion', 'Conclusion', conclusion),
		field('diagnosis-code', 'Coded diagnosis (SNOMED CT)', coded, 'From the centre\'s list of diagnoses; needed when the diagnosis changed.'),
		field('rationale', 'Rationale: how the opinion was reached', rationale, 'Markdown is kept as written.'),
		reviewed,
		field('recommendations', 'Recommendations', recommendations, 'One per line.'),
		field('impact', 'Impact on management', impact),
		amending ? field('amendment-reason', 'Reason for the amendment', reason, 'Shown to the referrer with the amended opinion.') : null);

	const write = async status => {
		const opinion = build(theCase, person, current, status, {
			concordance: form.querySelector('input[name=concordance]:checked')?.value,
			compared: compared.value ? { reference: compared.value, display: compared.selectedOptions[0].textContent } : null,
			conclusion: conclusion.value.trim(),
			coded: coded.value ? codes.find(code => code.system + '|' + code.code === coded.value) : null,
			rationale: rationale.value.trim(),
			reviewed: [...reviewed.querySelectorAll('input:checked')].map(box => ({ reference: box.value, display: box.dataset.label })),
			recommendations: recommendations.value.split('\n').map(line => line.trim()).filter(Boolean),
			impact: impact.value,
			reason: reason.value.trim()
		});
		if (current?.id) await update(opinion); else await create(opinion);
		await reload();
	};

	if (amending) {
		const save = h('button', { type: 'submit', class: 'btn btn-primary', id: 'save-amendment' }, 'Save the amendment');
		form.append(save);
		form.addEventListener('submit', event => {
			event.preventDefault();
			act(save, async () => {
				if (!reason.value.trim()) { reason.focus(); throw new Error('Give the reason for the amendment.'); }
				await write('amended');
				say('The amended opinion was saved and the referrer notified.', 'success');
			});
		});
	} else {
		const draft = h('button', { type: 'button', class: 'btn btn-outline-primary me-2', id: 'save-preliminary' }, 'Save as preliminary');
		const sign = h('button', { type: 'submit', class: 'btn btn-primary', id: 'sign-final' }, 'Sign the final opinion');
		form.append(h('div', { class: 'form-check mb-2' }, signed,
			h('label', { class: 'form-check-label', for: 'sign-confirm' }, 'I have reviewed these records and sign this opinion as final.')),
		draft, sign);
		draft.addEventListener('click', () => act(draft, async () => {
			await write('preliminary');
			say('The preliminary opinion was saved.', 'success');
		}));
		form.addEventListener('submit', event => {
			event.preventDefault();
			act(sign, async () => {
				if (!signed.checked) { signed.focus(); throw new Error('Tick the box to confirm that you sign the opinion as final.'); }
				await write('final');
				say('The final opinion was signed and the referrer notified.', 'success');
			});
		});
	}
	return form;
}

function build(theCase, person, current, status, values) {
	const extension = [];
	if (values.concordance) extension.push({ url: CONCORDANCE, valueCode: values.concordance });
	if (values.compared) extension.push({ url: COMPARED, valueReference: values.compared });
	values.reviewed.forEach(record => extension.push({ url: REVIEWED, valueReference: record }));
	if (values.rationale) extension.push({ url: RATIONALE, valueMarkdown: values.rationale });
	values.recommendations.forEach(text => extension.push({ url: RECOMMENDATION, valueString: text }));
	if (values.impact) extension.push({ url: IMPACT, valueCode: values.impact });
	if (status === 'amended') extension.push({ url: AMENDMENT_REASON, valueString: values.reason });
	const now = new Date().toISOString();
	return {
		resourceType: 'DiagnosticReport',
		...(current?.id ? { id: current.id } : {}),
		meta: { profile: [SD + 'so-opinion'] },
		extension,
		identifier: current?.identifier || [{ system: OPINION_IDS, value: 'SO-' + crypto.randomUUID() }],
		basedOn: [{ reference: 'ServiceRequest/' + theCase.request.id }],
		status,
		code: { coding: [{ system: 'http://loinc.org', code: '11488-4', display: 'Consult note' }], text: 'Second opinion report' },
		subject: theCase.request.subject,
		effectiveDateTime: now,
		issued: now,
		performer: [{ reference: referenceTo(person.practitionerRole), display: person.name }],
		...(values.conclusion ? { conclusion: values.conclusion } : {}),
		...(values.coded ? { conclusionCode: [{ coding: [{ system: values.coded.system, code: values.coded.code, display: values.coded.display }], text: values.coded.display }] } : {})
	};
}
