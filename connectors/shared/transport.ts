import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { VendorUnavailableError } from '../errors';

/**
 * One HTTP exchange with a vendor. Every status comes back as a response for the caller to classify; only a
 * transport failure (refused, reset, timed out) throws, and that is always retryable.
 */
export async function sendToVendor(
  vendor: string,
  request: AxiosRequestConfig & { method: string; url: string },
): Promise<AxiosResponse> {
  try {
    return await axios.request({ timeout: 30_000, ...request, validateStatus: () => true });
  } catch (err) {
    throw new VendorUnavailableError(
      vendor,
      `${request.method} ${new URL(request.url).pathname}: ${(err as Error).message}`,
    );
  }
}
