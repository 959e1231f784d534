#!/usr/bin/env bash
# Signs a person in the way a SMART app does it (standalone launch): the authorization code flow with PKCE
# through the development authorization server's login page, as the public client "workspace". Prints the
# access token. Needs bash, openssl and curl.
#
#   sample-bundles/dev-clients/sign-in.sh expert-lindqvist dev-expert-lindqvist
#   sample-bundles/dev-clients/sign-in.sh coordinator dev-coordinator "openid fhirUser user/*.rs"
#
# SCOPES default to "openid fhirUser user/*.cruds": the token carries what the person may have within them.
# SERVER defaults to http://localhost:8080. Set FULL=1 to print the whole token response (id_token, refresh_token).
set -euo pipefail
user="${1:?usage: sign-in.sh USERNAME PASSWORD [SCOPES]}"
password="${2:?usage: sign-in.sh USERNAME PASSWORD [SCOPES]}"
scopes="${3:-openid fhirUser user/*.cruds}"
server="${SERVER:-http://localhost:8080}"
redirect="$server/workspace/"
jar=$(mktemp); trap 'rm -f "$jar"' EXIT

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
verifier=$(openssl rand 48 | b64url)
challenge=$(printf '%s' "$verifier" | openssl dgst -sha256 -binary | b64url)
state=$(openssl rand -hex 16)
location() { sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p'; }

# 1. The app sends the browser to the authorization endpoint; not signed in yet, it is sent to the login page.
curl -sS -o /dev/null -c "$jar" -b "$jar" -H 'Accept: text/html' -G "$server/oauth2/authorize" \
  --data-urlencode response_type=code --data-urlencode client_id=workspace --data-urlencode "redirect_uri=$redirect" \
  --data-urlencode "scope=$scopes" --data-urlencode "state=$state" --data-urlencode "aud=$server/fhir" \
  --data-urlencode "code_challenge=$challenge" --data-urlencode code_challenge_method=S256
# 2. The login page's form, with its CSRF token; the answer sends the browser back to the authorization endpoint.
csrf=$(curl -sS -c "$jar" -b "$jar" "$server/login" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p')
back=$(curl -sS -o /dev/null -D - -c "$jar" -b "$jar" "$server/login" --data-urlencode "username=$user" \
  --data-urlencode "password=$password" --data-urlencode "_csrf=$csrf" | location)
case "$back" in *error*) echo "sign-in refused: wrong username or password" >&2; exit 1 ;; esac
# 3. Signed in, the authorization endpoint sends the browser to the app with a code.
code_url=$(curl -sS -o /dev/null -D - -c "$jar" -b "$jar" -H 'Accept: text/html' "$back" | location)
code=$(printf '%s' "$code_url" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
[ -n "$code" ] || { echo "no code: $code_url" >&2; exit 1; }
# 4. The app exchanges the code, with the PKCE verifier, for the tokens.
response=$(curl -sS "$server/oauth2/token" -d grant_type=authorization_code --data-urlencode "code=$code" \
  --data-urlencode "redirect_uri=$redirect" -d client_id=workspace --data-urlencode "code_verifier=$verifier")
if [ -n "${FULL:-}" ]; then echo "$response"; else
  printf '%s' "$response" | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'; fi
