import './fabric-logging';
import type { Server } from 'node:http';
import { loadConfig } from './config';
import { openGateway } from './gateway';
import { createApiServer } from './http/api-server';
import { createLogger } from './logger';

const SHUTDOWN_GRACE_MS = 30_000;

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel, config.logFormat);
  const gateway = await openGateway(config, logger);
  const { app, ledger, newDevKeysFile } = gateway;
  if (newDevKeysFile !== undefined) {
    // stdout is where the log goes (a file, a journal): it says where the keys are, never a key.
    process.stdout.write(
      `\nDevelopment API keys, one per role, are in ${newDevKeysFile} (mode 0600); read one with\n` +
        `  node -p 'require(${JSON.stringify(newDevKeysFile)}).regulator'\n\n`,
    );
  }

  const server = createApiServer(app, config.limits);
  const port = await listen(server, config.port, config.host);
  const metricsServer = createApiServer(gateway.metricsApp, {
    ...config.limits,
    maxConnections: 16,
  });
  const metricsPort = await listen(metricsServer, config.metrics.port, config.metrics.host);
  logger.info(`metrics on http://${config.metrics.host}:${metricsPort}/metrics`);
  logger.info(
    { ledger: ledger.kind, dataDir: config.dataDir },
    `audit ledger gateway listening on http://${config.host}:${port}`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'stopping: refusing new connections, finishing requests in flight');
    // Keep-alive clients are told to go, and connections close as soon as they fall idle.
    server.prependListener('request', (_request, response) => {
      response.setHeader('Connection', 'close');
    });
    setInterval(() => {
      server.closeIdleConnections();
    }, 50).unref();
    setTimeout(() => {
      logger.error(`requests still in flight after ${SHUTDOWN_GRACE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    metricsServer.close();
    server.close(() => {
      void gateway.close().then(() => {
        logger.info('stopped');
        process.exit(0);
      });
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`audit ledger gateway failed to start: ${message}\n`);
  process.exit(1);
});
