import type * as workflows from '../workflows';

/** The workflow types the worker registers (workflows/index.ts), by name. */
export type WorkflowName = keyof typeof workflows;
export type WorkflowOf<N extends WorkflowName> = (typeof workflows)[N];

/**
 * A typed reference to a workflow, for `client.workflow.start(workflowRef('invoice'), …)`: the name is checked
 * against the registered workflows and the arguments and result against the workflow's own signature, without
 * loading workflow code into a client process. At run time it is the name: the Temporal client accepts a
 * workflow type as a name or as a function, and takes a function's name.
 */
export function workflowRef<N extends WorkflowName>(name: N): WorkflowOf<N> {
  return name as unknown as WorkflowOf<N>;
}
