#!/usr/bin/env bash
# Gets an access token from the development authorization server the way an EHR system does it
# (SMART Backend Services): a client assertion signed with the client's private key (RS384),
# exchanged for a token with the client_credentials grant. Needs bash, openssl and curl.
#
#   sample-bundles/dev-clients/get-token.sh st-elsewhere-ehr "system/ServiceRequest.rs system/Patient.rs"
#
# Prints the access token. SERVER defaults to http://localhost:8080.
set -euo pipefail
client="${1:?usage: get-token.sh CLIENT_ID [SCOPES]}"
scopes="${2:-system/*.rs}"
server="${SERVER:-http://localhost:8080}"
key="$(dirname "$0")/${client}.private-key.pem"
[ -f "$key" ] || { echo "no private key $key (the ES384 client lakeside-ehr needs a JOSE library)" >&2; exit 1; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
now=$(date +%s)
header=$(printf '{"alg":"RS384","typ":"JWT","kid":"%s-1"}' "$client" | b64url)
claims=$(printf '{"iss":"%s","sub":"%s","aud":"%s/oauth2/token","jti":"%s","iat":%d,"exp":%d}' \
  "$client" "$client" "$server" "$(openssl rand -hex 16)" "$now" "$((now + 240))" | b64url)
signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha384 -sign "$key" -binary | b64url)

answer=$(curl -sS "$server/oauth2/token" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode "scope=$scopes" \
  --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
  --data-urlencode "client_assertion=$header.$claims.$signature")
token=$(printf '%s' "$answer" | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "no token: $answer" >&2; exit 1; }
printf '%s\n' "$token"
