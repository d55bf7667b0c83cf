/** The database URL, as the command line's errors and the start banner print it, shows no part of its password. */
import { redactPassword } from '../../worker/redactUrl';

it.each([
  [
    'postgres://matterpay:Tr0ub@dor-9x7Qz@db.internal:5432/matterpay',
    'postgres://matterpay:***@db.internal:5432/matterpay',
  ],
  ['postgres://:s3cret-pw@db.internal/matterpay', 'postgres://:***@db.internal/matterpay'],
  ['postgres://matterpay:pa/ss@db.internal/matterpay', 'postgres://matterpay:***@db.internal/matterpay'],
  ['postgres://matterpay@db.internal/matterpay', 'postgres://matterpay@db.internal/matterpay'],
  ['postgres://db.internal/matterpay', 'postgres://db.internal/matterpay'],
  ['postgres:///mp?host=/run/pg&password=s3cret&sslmode=off', 'postgres:///mp?host=/run/pg&password=***&sslmode=off'],
  [
    'postgres://db.internal:5432/mp?application_name=ops@box',
    'postgres://db.internal:5432/mp?application_name=ops@box',
  ],
])('redacts the whole password of %s', (url, shown) => {
  expect(redactPassword(url)).toBe(shown);
});
