import { proxyActivities } from '@temporalio/workflow';
import { vendorActivityOptions } from '../../workflows/policy';

const { callVendor } = proxyActivities<{ callVendor(): Promise<string> }>(vendorActivityOptions);

/** One vendor call with the production activity options, for the killed-worker test. */
export async function oneVendorCall(): Promise<string> {
  return callVendor();
}
