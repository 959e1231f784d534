package org.example.secondopinion.security;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART on FHIR resource scope, v2 ({@code system/ServiceRequest.cruds}) or v1
 * ({@code user/*.read}, {@code patient/Observation.write}). Other scopes (openid, launch, ...) are
 * not resource scopes and parse to empty. v2 search parameters after '?' are not supported: such a
 * scope grants nothing rather than more than it says.
 */
public record SmartScope(Context context, String resourceType, Set<Permission> permissions) {

	public enum Context { SYSTEM, USER, PATIENT }

	/** SMART v2 letters: create, read, update, delete, search. */
	public enum Permission { CREATE, READ, UPDATE, DELETE, SEARCH }

	public static final String ANY_TYPE = "*";

	private static final Pattern SCOPE = Pattern.compile("(system|user|patient)/(\\*|[A-Z][A-Za-z]+)\\.(\\*|read|write|c?r?u?d?s?)");

	public static Optional<SmartScope> parse(String scope) {
		Matcher matcher = SCOPE.matcher(scope);
		if (!matcher.matches() || matcher.group(3).isEmpty()) {
			return Optional.empty();
		}
		Context context = Context.valueOf(matcher.group(1).toUpperCase());
		return Optional.of(new SmartScope(context, matcher.group(2), permissions(matcher.group(3))));
	}

	private static Set<Permission> permissions(String text) {
		return switch (text) {
			case "*" -> EnumSet.allOf(Permission.class);
			case "read" -> EnumSet.of(Permission.READ, Permission.SEARCH);
			case "write" -> EnumSet.of(Permission.CREATE, Permission.UPDATE, Permission.DELETE);
			default -> {
				Set<Permission> permissions = EnumSet.noneOf(Permission.class);
				for (char letter : text.toCharArray()) {
					permissions.add(switch (letter) {
						case 'c' -> Permission.CREATE;
						case 'r' -> Permission.READ;
						case 'u' -> Permission.UPDATE;
						case 'd' -> Permission.DELETE;
						default -> Permission.SEARCH;
					});
				}
				yield permissions;
			}
		};
	}

	/**
	 * Whether a client registered for {@code registered} may be granted this scope: the same context,
	 * the same resource type (or any, registered as *), and no permission more. SMART clients ask for
	 * a subset of what they are registered for, e.g. {@code system/Patient.rs} of {@code system/Patient.cruds}.
	 */
	public boolean isWithin(SmartScope registered) {
		return context == registered.context && registered.covers(resourceType)
				&& (ANY_TYPE.equals(registered.resourceType) || !ANY_TYPE.equals(resourceType))
				&& registered.permissions.containsAll(permissions);
	}

	public static boolean isWithinAny(String requested, java.util.Collection<String> registered) {
		if (registered.contains(requested)) {
			return true;
		}
		return parse(requested)
				.map(scope -> registered.stream().map(SmartScope::parse).flatMap(Optional::stream).anyMatch(scope::isWithin))
				.orElse(false);
	}

	public boolean covers(String type) {
		return ANY_TYPE.equals(resourceType) || resourceType.equals(type);
	}

	public boolean allows(String type, Permission permission) {
		return covers(type) && permissions.contains(permission);
	}
}
