import type { DataConverter } from '@temporalio/common';
import { loadSecretKeys } from '../../store/encryption';
import type { Config } from '../config';
import { dataConverterFor } from './aesGcmCodec';

export { AesGcmPayloadCodec, payloadKeys, dataConverterFor } from './aesGcmCodec';

/** The payload codec every client and worker of this deployment uses (or none, with TEMPORAL_PAYLOAD_ENCRYPTION=false). */
export function temporalDataConverter(config: Config): DataConverter | undefined {
  if (!config.TEMPORAL_PAYLOAD_ENCRYPTION) return undefined;
  // Only a deployment on the embedded Temporal server may use (or make) the key under the data dir.
  return dataConverterFor(
    loadSecretKeys(config.MATTERPAY_SECRET_KEYS, config.dataDir, { mayGenerate: !config.TEMPORAL_ADDRESS }),
  );
}
