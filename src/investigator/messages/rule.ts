import type { RootCauseType } from '../../domain/diagnosis.js';
import type { RemediationFacts } from '../remediation/catalog.js';

/** The object a message itself names (a pod, the ReplicaSet creating it, a service). */
export interface NamedObject {
  kind: string;
  name: string;
  namespace?: string;
}

/** One row of the message catalogue: a sentence Kubernetes (or a component beside it) writes, and what it means. */
export interface Rule {
  id: string;
  type: RootCauseType;
  re: RegExp;
  confidence: number;
  cause: (m: RegExpExecArray, text: string) => string;
  facts?: (m: RegExpExecArray) => RemediationFacts;
  symptom?: boolean;
  names?: (m: RegExpExecArray) => NamedObject | undefined;
}
