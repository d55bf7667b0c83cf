import type { FieldSchema } from '../fields';
import type { UserRecord } from '../state';

export const USER_FIELDS: FieldSchema = {
  id: null,
  etag: null,
  name: null,
  first_name: null,
  last_name: null,
  email: null,
  enabled: null,
  subscription_type: null,
  time_zone: null,
  initials: null,
  created_at: null,
  updated_at: null,
};

export function renderUser(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    etag: user.etag,
    name: user.name,
    first_name: user.first_name,
    last_name: user.last_name,
    email: user.email,
    enabled: true,
    subscription_type: 'Attorney',
    time_zone: 'Eastern Time (US & Canada)',
    initials: `${user.first_name[0] ?? ''}${user.last_name[0] ?? ''}`,
    created_at: user.created_at,
    updated_at: user.updated_at,
  };
}
