// Where `--metrics-port` listens unless `--metrics-host` says otherwise: this machine only. A file of
// its own so that the command line can show it without loading prom-client.
export const DEFAULT_METRICS_HOST = '127.0.0.1';
