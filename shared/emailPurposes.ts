/** Why an invoice email is sent. `reminder-N`: the Nth reminder of the schedule. Each purpose is its own idempotency key, so each is sent once. */
export type EmailPurpose = 'issued' | `reminder-${number}`;
