// HTTP serving for flowwatch's servers: one listener, and the names it answers to.
export { HostAllowList } from './allowed-hosts.ts';
export { HttpListener, type ListenerOptions, type RequestHandler } from './http-listener.ts';
