// SMART App Launch, standalone: the authorization code flow with PKCE (S256) as the public client
// "workspace". Written here rather than taken from a library because no SMART client library is published
// as a WebJar, and the flow the workspace needs is short: discover, redirect, exchange, refresh.
//
// Tokens live in sessionStorage: gone when the tab closes, never in a cookie a forged request could ride on.

const CLIENT_ID = 'workspace';
const SCOPES = 'openid fhirUser offline_access user/*.cruds';
const KEY = 'so-workspace-session';
const PENDING = 'so-workspace-pending';

export const FHIR_BASE = new URL('/fhir', location.origin).href;
const REDIRECT_URI = new URL('/workspace/', location.origin).href;

async function configuration() {
	const response = await fetch(FHIR_BASE + '/.well-known/smart-configuration', { headers: { Accept: 'application/json' } });
	if (!response.ok) throw new Error('The server did not answer its SMART configuration (' + response.status + ')');
	return response.json();
}

function randomString(bytes) {
	const values = crypto.getRandomValues(new Uint8Array(bytes));
	return base64Url(values);
}

function base64Url(bytes) {
	return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function challengeOf(verifier) {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
	return base64Url(digest);
}

/** Sends the browser to the authorization endpoint; it comes back to /workspace/ with a code. */
export async function signIn(returnTo) {
	const smart = await configuration();
	const verifier = randomString(48);
	const state = randomString(16);
	// with this server's own authorization server, signing out also ends the login session (/logout)
	const logout = new URL(smart.authorization_endpoint).origin === location.origin ? '/logout' : null;
	sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo, tokenEndpoint: smart.token_endpoint, logout }));
	const url = new URL(smart.authorization_endpoint);
	url.search = new URLSearchParams({
		response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URI, scope: SCOPES, state,
		aud: FHIR_BASE, code_challenge: await challengeOf(verifier), code_challenge_method: 'S256'
	}).toString();
	location.assign(url.href);
}

/**
 * On the way back from the authorization server: exchanges the code for tokens. Answers the hash to
 * show next, or null when this page load is not a return from signing in.
 */
export async function completeSignIn() {
	const query = new URLSearchParams(location.search);
	if (!query.has('code') && !query.has('error')) return null;
	const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
	sessionStorage.removeItem(PENDING);
	history.replaceState(null, '', REDIRECT_URI);
	if (!pending || pending.state !== query.get('state')) throw new Error('Sign-in did not start from this page; please sign in again.');
	// the error's own words are not shown: they come in a URL anyone can make
	if (query.has('error')) throw new Error('Sign-in did not complete (' + query.get('error').replace(/[^a-z_]/g, '').substring(0, 40) + '); please sign in again.');
	const tokens = await tokenRequest(pending.tokenEndpoint, {
		grant_type: 'authorization_code', code: query.get('code'), redirect_uri: REDIRECT_URI,
		client_id: CLIENT_ID, code_verifier: pending.verifier
	});
	save(pending.tokenEndpoint, tokens, pending.logout);
	return pending.returnTo || '';
}

async function tokenRequest(endpoint, form) {
	const response = await fetch(endpoint, {
		method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
		body: new URLSearchParams(form)
	});
	const body = await response.json().catch(() => ({}));
	if (!response.ok) throw new Error('The token request failed: ' + (body.error_description || body.error || response.status));
	return body;
}

function save(tokenEndpoint, tokens, logout) {
	const claims = tokens.id_token ? decodeJwt(tokens.id_token) : {};
	sessionStorage.setItem(KEY, JSON.stringify({
		tokenEndpoint, logout, accessToken: tokens.access_token, refreshToken: tokens.refresh_token || null,
		scope: tokens.scope || '', user: { name: claims.name, role: claims.second_opinion_role, fhirUser: claims.fhirUser }
	}));
}

// The id_token is only read for the name and role to show; the API checks the access token itself.
function decodeJwt(jwt) {
	const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
	return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), c => c.charCodeAt(0))));
}

export function session() {
	return JSON.parse(sessionStorage.getItem(KEY) || 'null');
}

let refreshing = null;

/**
 * A new access token from the refresh token; false when the person must sign in again. Each refresh token
 * works once, so calls that meet an expired token together share one refresh.
 */
export function refresh() {
	if (!refreshing) {
		refreshing = refreshOnce().finally(() => { refreshing = null; });
	}
	return refreshing;
}

async function refreshOnce() {
	const current = session();
	if (!current || !current.refreshToken) return false;
	try {
		const tokens = await tokenRequest(current.tokenEndpoint, {
			grant_type: 'refresh_token', refresh_token: current.refreshToken, client_id: CLIENT_ID
		});
		const user = current.user;
		save(current.tokenEndpoint, tokens, current.logout);
		const renewed = session();
		renewed.user = renewed.user.role ? renewed.user : user;
		sessionStorage.setItem(KEY, JSON.stringify(renewed));
		return true;
	} catch (e) {
		return false;
	}
}

/** Drops the tokens; answers where to send the browser to end the login session too, if anywhere. */
export function signOut() {
	const current = session();
	sessionStorage.removeItem(KEY);
	return current?.logout || null;
}
