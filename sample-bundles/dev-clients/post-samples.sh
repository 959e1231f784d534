#!/usr/bin/env bash
# Posts every sample bundle in order, each with the token of the actor who would send it: the
# coordinator loads the expert directory, each hospital's EHR its own requests and answers, the
# assigned experts their questions and opinions. Prints the HTTP status of each. Needs bash, openssl, curl.
#
#   sample-bundles/dev-clients/post-samples.sh          # SERVER defaults to http://localhost:8080
set -euo pipefail
cd "$(dirname "$0")/../.."
server="${SERVER:-http://localhost:8080}"
export SERVER="$server"

secret_token() {
  curl -sS -u "$1:$2" "$server/oauth2/token" -d grant_type=client_credentials --data-urlencode "scope=$3" \
    | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'
}
ehr_scopes="system/Patient.cruds system/Practitioner.cruds system/PractitionerRole.cruds system/Organization.cruds system/Condition.cruds system/DocumentReference.cruds system/ServiceRequest.cruds system/Task.cruds system/Communication.cruds system/Procedure.cruds system/Specimen.cruds system/Observation.cruds system/DiagnosticReport.cruds system/ImagingStudy.cruds"
expert_scopes="user/ServiceRequest.rs user/Task.rus user/DiagnosticReport.crus user/Communication.crs user/Patient.rs user/Condition.rs user/DocumentReference.rs user/Procedure.rs user/Specimen.rs user/Observation.rs user/ImagingStudy.rs"

token_for() {
  case "$1" in
    01-*) secret_token coordinator dev-coordinator "user/Organization.cru user/Practitioner.cru user/PractitionerRole.cru" ;;
    02-*) sample-bundles/dev-clients/get-token.sh st-elsewhere-ehr "$ehr_scopes" ;;
    04-*) sample-bundles/dev-clients/get-token.sh riverbend-ehr "$ehr_scopes" ;;
    06-*) sample-bundles/dev-clients/get-token.sh lakeside-ehr "$ehr_scopes" ;;
    08-* | 09-* | 11-*) sample-bundles/dev-clients/get-token.sh northgate-ehr "$ehr_scopes" ;;
    03-*) secret_token expert-lindqvist dev-expert-lindqvist "$expert_scopes" ;;
    05-* | 10-* | 12-*) secret_token expert-osei dev-expert-osei "$expert_scopes" ;;
    07-*) secret_token expert-herrera dev-expert-herrera "$expert_scopes" ;;
  esac
}

for f in sample-bundles/*.json; do
  name=$(basename "$f")
  token=$(token_for "$name")
  curl -s -o /dev/null -w "%{http_code} $f\n" -X POST "$server/fhir" \
    -H 'Content-Type: application/fhir+json' -H "Authorization: Bearer $token" --data-binary @"$f"
done
