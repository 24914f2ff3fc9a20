package io.lakeward.audit.client.event;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.lakeward.common.error.ErrorCode;

/**
 * What the platform answered: the HTTP status and, for an error, the platform's error code.
 *
 * @param errorCode {@code null} when the answer was not an error
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Response(int statusCode, ErrorCode errorCode) {
    public Response {
        if (statusCode < 100 || statusCode > 599) {
            throw new IllegalArgumentException("response status code must be between 100 and 599");
        }
    }

    public static Response of(int statusCode) {
        return new Response(statusCode, null);
    }

    /** The answer the platform gives for {@code code}, with its HTTP status. */
    public static Response error(ErrorCode code) {
        return new Response(code.httpStatus(), code);
    }
}
