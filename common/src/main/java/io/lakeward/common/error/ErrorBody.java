package io.lakeward.common.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The JSON body of every error answer: {@code {"error_code": "...", "message": "...",
 * "request_id": "..."}}, the Databricks error shape plus the request id for support.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(
        @JsonProperty("error_code") String errorCode,
        @JsonProperty("message") String message,
        @JsonProperty("request_id") String requestId) {

    /** Maps any failure to the body a caller may see: unknown failures say nothing of their cause. */
    public static ErrorBody of(Throwable failure, String requestId) {
        if (failure instanceof LakewardException known) {
            return new ErrorBody(known.code().name(), known.getMessage(), requestId);
        }
        return new ErrorBody(ErrorCode.INTERNAL_ERROR.name(), "internal error; quote the request id when reporting it", requestId);
    }

    public static int statusOf(Throwable failure) {
        return failure instanceof LakewardException known ? known.code().httpStatus() : ErrorCode.INTERNAL_ERROR.httpStatus();
    }
}
