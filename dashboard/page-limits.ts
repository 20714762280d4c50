// The dashboard's bound on open pages, in a file of its own so that the command line can name it in
// its help without loading the server.

/**
 * Event streams open at once; one more is refused (503) until one closes. Each costs a socket and a
 * write of every snapshot, so a loop opening streams cannot exhaust the process.
 */
export const MAX_EVENT_STREAMS = 64;
