import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { AppError, type FieldError, toProblem } from "../shared/errors.js";

// Fastify's own errors for bad requests, given stable codes of ours.
const FASTIFY_CODES: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, "request.too_large", "The request body is too large"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, "request.unsupported_media_type", "Send JSON (application/json)"],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, "request.empty_body", "The JSON body is empty"],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    400,
    "request.bad_content_length",
    "Content-Length does not match the body",
  ],
  FST_REQ_FILE_TOO_LARGE: [413, "attachment.too_large", "An attachment is larger than allowed"],
  FST_FILES_LIMIT: [413, "attachment.too_many", "Too many files in one upload"],
  FST_PARTS_LIMIT: [413, "attachment.too_many", "Too many parts in one upload"],
  FST_FIELDS_LIMIT: [413, "attachment.too_many_fields", "Too many fields in one upload"],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [
    415,
    "attachment.not_multipart",
    "Upload files as multipart/form-data",
  ],
  FST_MP_PREMATURE_CLOSE: [400, "request.malformed_multipart", "The upload is incomplete or malformed"],
  FST_ERR_VALIDATION: [400, "request.invalid", "The request is not valid"],
  FST_ERR_BAD_URL: [400, "request.bad_url", "The URL is not validly percent-encoded"],
  FST_ERR_MAX_PARAM_LENGTH: [414, "request.uri_too_long", "A path segment is too long"],
};

function validationFields(error: FastifyError): FieldError[] {
  if (!hasZodFastifySchemaValidationErrors(error)) return [];
  const where = (error as FastifyError & { validationContext?: string }).validationContext;
  return error.validation.flatMap((v) => {
    const path = v.instancePath.replace(/^\//, "").replaceAll("/", ".");
    const keys = (v.params as { keys?: string[] }).keys;
    if (v.keyword === "unrecognized_keys" && keys?.length) {
      return keys.map((k) => ({
        field: path ? `${path}.${k}` : k,
        message: "unknown field",
        code: v.keyword,
      }));
    }
    return [{ field: path || where || "(body)", message: v.message ?? "invalid", code: v.keyword }];
  });
}

/** Renders every error as RFC 9457 problem+json; only unexpected failures are 500s, and they are logged. */
export function handleError(error: FastifyError | AppError, req: FastifyRequest, reply: FastifyReply) {
  let problem: AppError;
  if (error instanceof AppError) {
    problem = error;
  } else if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = validationFields(error);
    problem = new AppError(400, "request.invalid", "The request is not valid", fields);
  } else if (error.code && FASTIFY_CODES[error.code]) {
    const [status, code, title] = FASTIFY_CODES[error.code] as [number, string, string];
    problem = new AppError(status, code, title);
  } else if (
    !isResponseSerializationError(error) &&
    error.statusCode &&
    error.statusCode >= 400 &&
    error.statusCode < 500
  ) {
    problem = new AppError(
      error.statusCode,
      `request.${(error.code ?? "bad_request").toLowerCase()}`,
      error.message,
    );
  } else {
    req.log.error({ err: error }, "unhandled error");
    problem = new AppError(500, "internal.error", "Something went wrong on our side; it has been logged");
  }
  if (problem.status >= 500 && error instanceof AppError) req.log.error({ err: error }, "server error");
  for (const [k, v] of Object.entries(problem.headers ?? {})) reply.header(k, v);
  return reply
    .status(problem.status)
    .type("application/problem+json")
    .send(toProblem(problem, req.url.split("?")[0], req.id));
}
