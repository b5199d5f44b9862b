package dev.tcplab.simulation;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/** Body of {@code POST /api/simulations/{id}/pairs}; every field is optional. */
@Schema(description = "A client/server pair. A second pair to the same server port reuses that port's listener.",
		example = """
				{"serverPort":80,"clientPort":null,"clientReuseAddr":false,"establish":true}""")
record CreatePairRequest(
		@Schema(description = "Server (listener) port", example = "80",
				defaultValue = "80") @Min(1) @Max(65535) Integer serverPort,
		@Schema(description = "Client port to bind; null = ephemeral (skipping tuples in TIME_WAIT). A port that cannot be bound answers 409 with errno EADDRINUSE",
				example = "1500", nullable = true) @Min(1) @Max(65535) Integer clientPort,
		@Schema(description = "setsockopt(SO_REUSEADDR) on the client socket before bind()",
				defaultValue = "false") Boolean clientReuseAddr,
		@Schema(description = "Run the three-way handshake (and accept()) on the virtual clock before answering",
				defaultValue = "true") Boolean establish) {

	static CreatePairRequest empty() {
		return new CreatePairRequest(null, null, null, null);
	}
}
