#!/usr/bin/env bash
# Gets an access token from the development authorization server the way an EHR system does it
# (SMART Backend Services): a client assertion signed with the client's private key (RS384, or ES384 for an EC key),
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
[ -f "$key" ] || { echo "no private key $key" >&2; exit 1; }

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
if openssl pkey -in "$key" -noout -text 2>/dev/null | grep -q secp384r1; then alg=ES384; else alg=RS384; fi
# JWS wants an ECDSA signature as r||s (48 bytes each); openssl writes it as DER: take the two integers out.
raw_ecdsa() {
  openssl asn1parse -inform DER | awk -F: '/INTEGER/ {print $NF}' | while read -r n; do
    n=$(printf '%s' "$n" | sed 's/^0*//'); printf '%096s' "$n" | tr ' ' 0
  done | sed 's/../\\x&/g' | { escaped=$(cat); printf '%b' "$escaped"; }
}
now=$(date +%s)
header=$(printf '{"alg":"%s","typ":"JWT","kid":"%s-1"}' "$alg" "$client" | b64url)
claims=$(printf '{"iss":"%s","sub":"%s","aud":"%s/oauth2/token","jti":"%s","iat":%d,"exp":%d}' \
  "$client" "$client" "$server" "$(openssl rand -hex 16)" "$now" "$((now + 240))" | b64url)
if [ "$alg" = ES384 ]; then
  signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha384 -sign "$key" -binary | raw_ecdsa | b64url)
else
  signature=$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha384 -sign "$key" -binary | b64url)
fi

answer=$(curl -sS "$server/oauth2/token" \
  --data-urlencode grant_type=client_credentials \
  --data-urlencode "scope=$scopes" \
  --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \
  --data-urlencode "client_assertion=$header.$claims.$signature")
token=$(printf '%s' "$answer" | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "no token: $answer" >&2; exit 1; }
printf '%s\n' "$token"
