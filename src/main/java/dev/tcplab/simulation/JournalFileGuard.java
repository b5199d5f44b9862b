package dev.tcplab.simulation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.h2.tools.Recover;
import org.h2.tools.RunScript;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Checks the embedded H2 journal file before anything uses it (issue 27 finding 5;
 * docs/operations.md "A damaged journal"). Runs when the DataSource bean is made, before
 * Flyway opens the file:
 * <ul>
 * <li>a file that cannot be opened or read through (a truncated file, a zeroed header,
 * garbage anywhere) is moved aside, H2's {@link Recover} tool reads what it can from it
 * into a new file, and the instance starts on that: every simulation whose entries were
 * read is served, the others answer 410;</li>
 * <li>a file that is missing or empty while the marker beside it says it held simulations
 * is reported (the instance starts empty: there is nothing to salvage).</li>
 * </ul>
 * Every finding is logged as an ERROR and shown by the {@code journal} health component
 * ({@link JournalDamage}). PostgreSQL and in-memory H2 are left alone.
 */
public class JournalFileGuard implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(JournalFileGuard.class);

	private final JournalDamage damage;

	private long markerNewest;

	public JournalFileGuard(JournalDamage damage) {
		this.damage = damage;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof HikariDataSource ds && ds.getJdbcUrl() != null) {
			check(ds.getJdbcUrl(), ds.getUsername(), ds.getPassword());
		}
		return bean;
	}

	/** The database path of an H2 file URL ({@code jdbc:h2:file:PATH;...}), else null. */
	static Path h2File(String url) {
		String prefix = "jdbc:h2:file:";
		if (!url.startsWith(prefix)) {
			return null;
		}
		String rest = url.substring(prefix.length());
		int semi = rest.indexOf(';');
		return Path.of(semi < 0 ? rest : rest.substring(0, semi)).toAbsolutePath();
	}

	void check(String url, String user, String password) {
		Path base = h2File(url);
		if (base == null) {
			return;
		}
		Path file = base.resolveSibling(base.getFileName() + ".mv.db");
		Path marker = base.resolveSibling(base.getFileName() + ".journal-state");
		damage.marker(marker);
		boolean heldData = Files.exists(marker);
		markerNewest = heldData ? JournalDamage.newestIn(marker) : 0;
		try {
			if (!Files.exists(file) || Files.size(file) == 0) {
				if (heldData) {
					String report = "the journal file " + file + (Files.exists(file) ? " is empty" : " is missing")
							+ " but it held simulations (" + marker + " says so): they are lost; starting with an"
							+ " empty journal";
					if (Files.exists(file)) {
						Path aside = aside(file, "empty");
						report += "; the empty file was moved to " + aside;
					}
					report(report);
				}
				return;
			}
			String problem = readThrough(url, user, password);
			if (problem == null) {
				return;
			}
			salvage(url, user, password, file, problem);
		}
		catch (IOException ex) {
			report("the journal file " + file + " could not be checked: " + ex);
		}
	}

	/**
	 * Opens the journal and reads every simulation's rows. Null when it opens (rows that
	 * cannot be read are reported per simulation and answer 410; the rest is served),
	 * else why it cannot be opened.
	 */
	private String readThrough(String url, String user, String password) {
		try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE", props(user, password))) {
			if (!tableExists(c, "TCPLAB_JOURNAL_ENTRY")) {
				return null;
			}
			java.util.List<String> ids = new java.util.ArrayList<>();
			long newest = 0;
			try (Statement st = c.createStatement();
					ResultSet rs = st.executeQuery("SELECT id, created_at FROM tcplab_simulation")) {
				while (rs.next()) {
					ids.add(rs.getString(1));
					newest = Math.max(newest, rs.getLong(2));
				}
			}
			catch (SQLException ex) {
				report("the journal file's list of simulations cannot be read (" + firstLine(ex)
						+ "); simulations whose rows cannot be read answer 410");
				return null;
			}
			long recorded = markerNewest;
			if (recorded > newest) {
				report("the journal file " + h2Name(url) + " went back in time: its newest simulation was created at "
						+ java.time.Instant.ofEpochMilli(newest) + " but one created at "
						+ java.time.Instant.ofEpochMilli(recorded) + " was journaled (H2 rolled a damaged end back);"
						+ " simulations journaled after it are lost and answer 410");
			}
			int unreadable = 0;
			try (java.sql.PreparedStatement ps = c.prepareStatement(
					"SELECT entry_no, payload FROM tcplab_journal_entry WHERE simulation_id = ? ORDER BY entry_no")) {
				for (String id : ids) {
					ps.setString(1, id);
					try (ResultSet rs = ps.executeQuery()) {
						while (rs.next()) {
							rs.getString(2);
						}
					}
					catch (SQLException ex) {
						unreadable++;
						damage.simulation(id, "its rows cannot be read from the database file", ex);
					}
				}
			}
			if (unreadable > 0) {
				report("the journal file " + h2Name(url) + " has damaged pages: " + unreadable + " of " + ids.size()
						+ " simulations cannot be read (they answer 410); the others are served");
			}
			return null;
		}
		catch (SQLException | RuntimeException ex) {
			return firstLine(ex);
		}
	}

	private static String firstLine(Exception ex) {
		return String.valueOf(ex.getMessage()).lines().findFirst().orElse(ex.toString());
	}

	private static String h2Name(String url) {
		return String.valueOf(h2File(url)) + ".mv.db";
	}

	private static boolean tableExists(Connection c, String table) throws SQLException {
		try (ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
			return rs.next();
		}
	}

	private static Properties props(String user, String password) {
		Properties p = new Properties();
		p.setProperty("user", user == null ? "" : user);
		p.setProperty("password", password == null ? "" : password);
		return p;
	}

	private void salvage(String url, String user, String password, Path file, String problem) throws IOException {
		Path aside = aside(file, "damaged");
		Path work = Files.createTempDirectory(file.getParent(), "salvage");
		String outcome;
		try {
			Files.copy(aside, work.resolve("salvage.mv.db"));
			Recover.execute(work.toString(), "salvage");
			Path script = work.resolve("salvage.h2.sql");
			RunScript.execute(url, user == null ? "" : user, password == null ? "" : password, script.toString(),
					StandardCharsets.UTF_8, true);
			outcome = salvaged(url, user, password);
			if (outcome == null) {
				Files.deleteIfExists(file);
				outcome = "H2's recovery tool could read nothing from it; starting with an empty journal (simulations"
						+ " journaled before answer 410)";
			}
		}
		catch (SQLException | RuntimeException ex) {
			outcome = "nothing could be salvaged (" + ex.getMessage()
					+ "); starting with an empty journal (simulations journaled before answer 410)";
			Files.deleteIfExists(file);
		}
		finally {
			try (var files = Files.walk(work)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
			}
		}
		report("the journal file " + file + " is damaged (" + problem + "); it was moved to " + aside + "; " + outcome);
	}

	private static String salvaged(String url, String user, String password) throws SQLException {
		try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE", props(user, password));
				Statement st = c.createStatement()) {
			if (!tableExists(c, "TCPLAB_SIMULATION")) {
				return null;
			}
			try (ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM tcplab_simulation),"
					+ " (SELECT COUNT(*) FROM tcplab_journal_entry)")) {
				rs.next();
				return "salvaged " + rs.getLong(1) + " simulation(s) with " + rs.getLong(2)
						+ " entries (a simulation missing entries answers 410)";
			}
		}
	}

	private static Path aside(Path file, String why) throws IOException {
		Path aside = file.resolveSibling(file.getFileName() + "." + why + "-" + Instant.now().toEpochMilli());
		Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
		return aside;
	}

	private void report(String report) {
		logger.error("JOURNAL DAMAGED: " + report);
		damage.fileDamaged(report);
	}

}
