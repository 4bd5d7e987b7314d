export { loadMasterKey, parseMasterKey, masterKeyId, type MasterKey } from "./master-key";
export { seal, unseal, unsealString, deriveKey } from "./envelope";
