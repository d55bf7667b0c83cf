/**
 * Every implementation of every port, each with its peer. The contract suites iterate these lists: a new connector
 * is registered with one line here (and its peer in peers/), and is done when the suites pass.
 */
import { clioPeer } from './peers/clio';
import { lawPayPeer } from './peers/lawpay';
import { outboxPeer, smtpPeer } from './peers/mail';
import { stripePeer } from './peers/stripe';
import type { MailerRig, Peer, PracticeRig, ProcessorRig } from './rigs';

export const practiceImplementations: Array<Peer<PracticeRig>> = [clioPeer];
export const processorImplementations: Array<Peer<ProcessorRig>> = [lawPayPeer, stripePeer];
export const mailerImplementations: Array<Peer<MailerRig>> = [smtpPeer, outboxPeer];
