#!/usr/bin/env bash
# One mentor's year, from the first personal hour to 40 approved paid hours, through the API.
# Start the app with `make run` (demo data), then run this script, or paste its lines.
# dot.newmentor has just joined the DOT roster; dot.coordinator verifies; DOT's requests go to
# the supervisor first (dot.supervisor), then to dot.coordinator.
set -euo pipefail
API=${API:-http://127.0.0.1:8000/api/v1}
YEAR=${YEAR:-$(date +%Y)}
token() {
  curl -s -X POST "$API/auth/token/" -d username="$1" -d password=mentor-2119 |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])'
}
MENTOR=$(token dot.newmentor)
COORD=$(token dot.coordinator)
SUPERVISOR=$(token dot.supervisor)
# The mentor's organization, from their roster line.
ORG=$(curl -s -H "Authorization: Token $MENTOR" "$API/enrollments/" |
      python3 -c 'import sys,json; print(json.load(sys.stdin)["results"][0]["organization"])')

echo "1. Paid leave first is refused: personal time comes first (match_required)"
curl -s -H "Authorization: Token $MENTOR" -H 'Content-Type: application/json' "$API/leave-requests/" \
  -d "{\"date\": \"$YEAR-03-02\", \"hours\": \"4\", \"organization\": $ORG}"; echo

echo "2. Ten Saturday sessions of personal mentoring, 4 hours each"
IDS=""
for month in 01 02 03 04 05; do for d in 10 17; do
  id=$(curl -s -H "Authorization: Token $MENTOR" -H 'Content-Type: application/json' "$API/personal-hours/" \
    -d "{\"date\": \"$YEAR-$month-$d\", \"hours\": \"4\", \"source\": \"non_working_time\", \"organization\": $ORG, \"notes\": \"Saturday session\"}" |
    python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
  IDS="$IDS $id"
done; done

echo "3. The coordinator records the organization's verification of each"
for id in $IDS; do
  curl -s -o /dev/null -w "verify $id: %{http_code}\n" -H "Authorization: Token $COORD" \
    -H 'Content-Type: application/json' "$API/personal-hours/$id/verify/" \
    -d '{"verified_by_name": "Program Office, Friends for Youth", "reason": "A signed paper form"}'
done

echo "4. Five requests of 8 hours of paid mentoring leave"
REQS=""
for d in 06-01 06-08 06-15 06-22 06-29; do
  id=$(curl -s -H "Authorization: Token $MENTOR" -H 'Content-Type: application/json' "$API/leave-requests/" \
    -d "{\"date\": \"$YEAR-$d\", \"hours\": \"8\", \"organization\": $ORG}" |
    python3 -c 'import sys,json; print(json.load(sys.stdin)["id"])')
  REQS="$REQS,$id"
done

echo "5. One more hour is over the cap (annual_cap_exceeded)"
curl -s -H "Authorization: Token $MENTOR" -H 'Content-Type: application/json' "$API/leave-requests/" \
  -d "{\"date\": \"$YEAR-07-06\", \"hours\": \"1\", \"organization\": $ORG}"; echo

echo "6. The supervisor can spare the mentor those days: all five go on to the coordinator"
curl -s -H "Authorization: Token $SUPERVISOR" -H 'Content-Type: application/json' \
  "$API/leave-requests/bulk-approve/" -d "{\"ids\": [${REQS#,}]}"; echo

echo "7. The coordinator approves all five at once"
curl -s -H "Authorization: Token $COORD" -H 'Content-Type: application/json' \
  "$API/leave-requests/bulk-approve/" -d "{\"ids\": [${REQS#,}]}"; echo

echo "8. The year: 40 approved, 40 verified, in match, nothing left to request"
curl -s -H "Authorization: Token $MENTOR" "$API/balances/me/?year=$YEAR"; echo
