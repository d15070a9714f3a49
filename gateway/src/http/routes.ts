import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { RouteParameters } from 'express-serve-static-core';
import { requireJson } from './request-handlers';

/**
 * A route is declared once: its method and path with what the API document says of it (summary,
 * parameters, body and responses, by their schemas' names). The router serves each declared
 * route with the handler of the same name, and the OpenAPI document lists the same
 * declarations, so no route is served undocumented or documented unserved.
 */
export interface Route<Path extends string = string> {
  method: 'get' | 'post' | 'delete';
  /** Express syntax, `:id` for a path parameter (the document spells it `{id}`). */
  path: Path;
  summary: string;
  /** Query and header parameters; each path parameter is documented from the path. */
  parameters?: readonly object[];
  /** A JSON body: a route that declares one answers 415 to any other content type. */
  requestBody?: object;
  responses: Record<string, object>;
  /** `[]` for a route served without an API key. */
  security?: readonly [];
}

export type RouteHandler<Path extends string> = (
  request: Request<RouteParameters<Path>>,
  response: Response,
) => unknown;

/** A table of routes by name. */
export type RouteTable = Record<string, Route>;

/** Declares a table of routes, keeping each path's literal type for its handler's parameters. */
export function defineRoutes<const Table extends RouteTable>(table: Table): Table {
  return table;
}

/** One handler for each route of `Table`, under the route's name. */
export type HandlersOf<Table extends RouteTable> = {
  [Name in keyof Table]: RouteHandler<Table[Name]['path']>;
};

/** A route table and the router that serves it: what the gateway mounts and documents. */
export interface ServedRoutes {
  table: RouteTable;
  router: Router;
}

/** Serves every route of `table` with the handler of its name, in the table's order. */
export function routerOf<Table extends RouteTable>(
  table: Table,
  handlers: HandlersOf<Table>,
): ServedRoutes {
  const router = Router();
  for (const [name, route] of Object.entries(table)) {
    const handler = handlers[name] as unknown as RequestHandler;
    if (route.requestBody === undefined) {
      router[route.method](route.path, handler);
    } else {
      router[route.method](route.path, requireJson, handler);
    }
  }
  return { table, router };
}

/** The API document's `paths`, from every route table. */
export function documentPaths(
  tables: readonly RouteTable[],
): Record<string, Record<string, object>> {
  const paths: Record<string, Record<string, object>> = {};
  for (const { method, path, ...operation } of tables.flatMap((table) => Object.values(table))) {
    const pathParameters = [...path.matchAll(/:(\w+)/g)].map(([, name]) => ({
      name,
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const parameters = [...pathParameters, ...(operation.parameters ?? [])];
    const documented = path.replace(/:(\w+)/g, '{$1}');
    paths[documented] = {
      ...paths[documented],
      [method]: { ...operation, ...(parameters.length === 0 ? {} : { parameters }) },
    };
  }
  return paths;
}
