#!/bin/sh
# Creates matterpay's namespace and registers its search attributes (DESIGN §3). Idempotent.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" | grep -q SERVING; do sleep 2; done
temporal operator namespace describe --namespace "$ns" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$ns" --retention 30d --address "$TEMPORAL_ADDRESS"
for attr in FirmId=Keyword MatterNumber=Keyword InvoiceNumber=Keyword InvoiceStatus=Keyword AmountDueCents=Int \
            DaysOverdue=Int Escalated=Bool ReconcileState=Keyword DueAt=Datetime; do
  temporal operator search-attribute create --namespace "$ns" --address "$TEMPORAL_ADDRESS" \
    --name "${attr%%=*}" --type "${attr#*=}" --yes 2>/dev/null || true
done
echo "namespace $ns and matterpay search attributes are ready"
