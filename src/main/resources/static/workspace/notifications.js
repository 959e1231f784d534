// Notifications that failed or are being retried, from $delivery-log: the coordinator chases the
// hospital whose endpoint refuses them.
import { request, partsOf } from './fhir.js';
import { h, show, loading, date } from './ui.js';

async function log(status) {
	const result = await request('Subscription/$delivery-log?status=' + status + '&_count=100');
	return (result.parameter || []).filter(parameter => parameter.name === 'notification').map(partsOf)
		.map(notification => ({ ...notification, subscription: notification.subscription?.reference, focus: notification.focus?.reference }));
}

export async function showNotifications() {
	show('notifications', 'Failing notifications', loading());
	const failed = await log('failed');
	const retried = (await log('pending')).filter(notification => Number(notification.attempts) > 0);
	const rows = [...failed, ...retried].map(notification => h('tr', { 'data-notification': notification.id, 'data-status': notification.status },
		h('td', {}, notification.status),
		h('td', {}, notification.subscription),
		h('td', { class: 'text-break' }, notification.endpoint),
		h('td', {}, notification.event || ''),
		h('td', {}, notification.focus || ''),
		h('td', {}, String(notification.attempts ?? '')),
		h('td', {}, date(notification.lastAttempt)),
		h('td', {}, notification.status === 'pending' ? date(notification.nextAttempt) : '—'),
		h('td', { class: 'text-break' }, notification.lastError || '')));
	show('notifications', 'Failing notifications', rows.length === 0
		? h('p', { id: 'notifications-none' }, 'Every notification has been delivered.')
		: h('div', { class: 'table-responsive' }, h('table', { class: 'table table-sm', id: 'notifications' },
			h('caption', { class: 'visually-hidden' }, 'Notifications failed or being retried'),
			h('thead', {}, h('tr', {}, ['Status', 'Subscription', 'Endpoint', 'Event', 'Focus', 'Attempts', 'Last attempt', 'Next attempt', 'Last error']
				.map(title => h('th', { scope: 'col' }, title)))),
			h('tbody', {}, rows))));
}
