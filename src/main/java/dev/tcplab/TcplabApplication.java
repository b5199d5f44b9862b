package dev.tcplab;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point: the Spring shell around the {@code dev.tcplab.engine} TCP model. */
@SpringBootApplication
public class TcplabApplication {

	public static void main(String[] args) {
		SpringApplication.run(TcplabApplication.class, args);
	}

}
