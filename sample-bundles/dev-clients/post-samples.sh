#!/usr/bin/env bash
# Posts every sample bundle in order, each with the token of the actor who would send it: the
# coordinator loads the expert directory, each hospital's EHR its own requests and answers, the
# assigned experts their questions and opinions. Prints the HTTP status of each. Needs bash, openssl, curl.
#
#   sample-bundles/dev-clients/post-samples.sh                  # all of them; SERVER defaults to http://localhost:8080
#   sample-bundles/dev-clients/post-samples.sh 01 02 04 06 08   # only those whose names start so: the directory
#                                                               # and the requests, left for the experts to review
set -euo pipefail
cd "$(dirname "$0")/../.."
server="${SERVER:-http://localhost:8080}"
export SERVER="$server"

# people sign in on the login page (sign-in.sh plays the browser): their tokens carry their own scopes
person_token() { sample-bundles/dev-clients/sign-in.sh "$1" "$2"; }
ehr_scopes="system/Patient.cruds system/Practitioner.cruds system/PractitionerRole.cruds system/Organization.cruds system/Condition.cruds system/DocumentReference.cruds system/ServiceRequest.cruds system/Task.cruds system/Communication.cruds system/Procedure.cruds system/Specimen.cruds system/Observation.cruds system/DiagnosticReport.cruds system/ImagingStudy.cruds"

token_for() {
  case "$1" in
    01-*) person_token coordinator dev-coordinator ;;
    02-*) sample-bundles/dev-clients/get-token.sh st-elsewhere-ehr "$ehr_scopes" ;;
    04-*) sample-bundles/dev-clients/get-token.sh riverbend-ehr "$ehr_scopes" ;;
    06-*) sample-bundles/dev-clients/get-token.sh lakeside-ehr "$ehr_scopes" ;;
    08-* | 09-* | 11-*) sample-bundles/dev-clients/get-token.sh northgate-ehr "$ehr_scopes" ;;
    03-*) person_token expert-lindqvist dev-expert-lindqvist ;;
    05-* | 10-* | 12-*) person_token expert-osei dev-expert-osei ;;
    07-*) person_token expert-herrera dev-expert-herrera ;;
  esac
}

for f in sample-bundles/*.json; do
  name=$(basename "$f")
  if [ $# -gt 0 ]; then
    wanted=""; for prefix in "$@"; do case "$name" in "$prefix"*) wanted=yes ;; esac; done
    [ -n "$wanted" ] || continue
  fi
  token=$(token_for "$name")
  curl -s -o /dev/null -w "%{http_code} $f\n" -X POST "$server/fhir" \
    -H 'Content-Type: application/fhir+json' -H "Authorization: Bearer $token" --data-binary @"$f"
done
