package io.lakeward.audit.client.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The part of the platform that emitted an audit event; its JSON form is the module name. */
public enum PlatformService {
    GATEWAY("gateway"),
    WORKSPACE_SERVICE("workspace-service"),
    COMPUTE("compute"),
    AUDIT("audit"),
    KEYVAULT("keyvault"),
    LAUNCHER("launcher"),
    COMPUTE_DRIVER("compute-driver");

    private final String wireName;

    PlatformService(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static PlatformService fromWireName(String wireName) {
        for (PlatformService service : values()) {
            if (service.wireName.equals(wireName)) {
                return service;
            }
        }
        throw new IllegalArgumentException("unknown platform service: " + wireName);
    }
}
