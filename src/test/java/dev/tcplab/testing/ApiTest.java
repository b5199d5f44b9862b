package dev.tcplab.testing;

import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the end-to-end API tests share: the application's port, its {@link JsonMapper},
 * and an {@link HttpJson} client on that port, fresh for each test. A subclass declares
 * its own {@code @SpringBootTest} (or {@link ServerTest}) with the limits it needs.
 */
public abstract class ApiTest {

	@LocalServerPort
	protected int port;

	@Autowired
	protected JsonMapper json;

	protected HttpJson http;

	@BeforeEach
	void client() {
		this.http = new HttpJson(this.port, this.json);
	}

}
