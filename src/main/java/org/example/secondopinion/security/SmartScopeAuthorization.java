package org.example.secondopinion.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderAppliesTo;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.example.secondopinion.security.SmartScope.Permission;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Subscription;

/**
 * SMART scopes as HAPI authorization rules, built for each request from the caller's token: HAPI's
 * {@link AuthorizationInterceptor} then applies them to every interaction, to each entry of a
 * transaction and to every resource a search, {@code _include}, history or operation returns.
 * Anything no rule allows is refused with 403 and an OperationOutcome.
 *
 * <p>What a scope letter allows: {@code r} and {@code s} read, search and history; {@code c} create;
 * {@code u} update (create stays refused unless {@code c} is also granted); {@code d} delete.
 */
public class SmartScopeAuthorization extends AuthorizationInterceptor {

	/** Our operations and the permission on their resource type each needs. */
	private static final Map<String, Permission> SERVICE_REQUEST_OPERATIONS = Map.of(
			"$case", Permission.READ,
			"$completeness", Permission.READ,
			"$match-experts", Permission.READ,
			"$assign", Permission.UPDATE,
			"$reject", Permission.UPDATE);
	private static final String DELIVERY_LOG = "$delivery-log";
	private static final String EVERYTHING = "$everything";
	private static final String VALIDATE = "$validate";
	private static final String ANY_TYPE = "*";

	/**
	 * Every operation a rule below may allow to some scope, with the type it runs on: HAPI refuses all
	 * others to everyone (no rule allows them), so the CapabilityStatement lists only these.
	 */
	private static final Map<String, String> OPERATION_TYPES = Stream.concat(
			SERVICE_REQUEST_OPERATIONS.keySet().stream().map(operation -> Map.entry(operation, "ServiceRequest")),
			Stream.of(Map.entry(DELIVERY_LOG, "Subscription"), Map.entry(EVERYTHING, "Patient"), Map.entry(VALIDATE, ANY_TYPE)))
			.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

	/** May a rule allow {@code operation} (e.g. {@code $case}) on {@code resourceType} (null: on the server) to some caller? */
	public static boolean someScopeMayCall(String operation, String resourceType) {
		String type = OPERATION_TYPES.get(operation);
		return type != null && resourceType != null && (type.equals(ANY_TYPE) || type.equals(resourceType));
	}

	private final PatientOfCaller patients;
	private final CaseAccess caseAccess;

	public SmartScopeAuthorization(PatientOfCaller patients, CaseAccess caseAccess) {
		super(PolicyEnum.DENY);
		this.patients = patients;
		this.caseAccess = caseAccess;
	}

	@Override
	public List<IAuthRule> buildRuleList(RequestDetails request) {
		IAuthRuleBuilder rules = new RuleBuilder();
		rules.allow("capability statement").metadata();
		Caller.current().ifPresent(caller -> {
			Optional<String> patient = caller.hasPatientScopes() ? patients.of(caller, request) : Optional.empty();
			IAuthRuleTester reachable = caseAccess.readTester();
			caller.scopes().forEach(scope -> addRules(rules, scope, patient, reachable));
			addOperationRules(rules, caller);
			if (caller.scopes().stream().anyMatch(SmartScopeAuthorization::writes)) {
				rules.allow("transaction, each entry checked").transaction().withAnyOperation().andApplyNormalRules();
			}
		});
		return rules.denyAll("no scope allows this").build();
	}

	/**
	 * Each interaction needs the scope for its type and letter; one the token does not carry is refused here,
	 * before HAPI's rules, with the scope that would allow it, so an integration engineer knows what to
	 * register: {@code system/Observation.c}. For a transaction or batch, every entry is checked the same
	 * way. SMART v2 also tells reading by id ({@code r}) from searching ({@code s}), which HAPI's read rules
	 * do not. HAPI's rules still decide everything else (and stay the last word).
	 */
	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void eachInteractionNeedsItsScope(RequestDetails request, RestOperationTypeEnum operation) {
		Caller.current().ifPresent(caller -> {
			if (operation == RestOperationTypeEnum.TRANSACTION && request.getResource() instanceof Bundle bundle) {
				for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
					entryNeeds(entry).ifPresent(needed -> requireScope(caller, needed.getKey(), needed.getValue()));
				}
				return;
			}
			Permission needed = switch (operation) {
				case SEARCH_TYPE -> Permission.SEARCH;
				case READ, VREAD, HISTORY_INSTANCE -> Permission.READ;
				case CREATE -> Permission.CREATE;
				case UPDATE, PATCH -> Permission.UPDATE;
				case DELETE -> Permission.DELETE;
				default -> null;
			};
			if (needed != null && request.getResourceName() != null) {
				requireScope(caller, request.getResourceName(), needed);
			}
		});
	}

	/** The type and permission a transaction or batch entry needs, if it names a type. */
	private static Optional<Map.Entry<String, Permission>> entryNeeds(Bundle.BundleEntryComponent entry) {
		Bundle.HTTPVerb method = entry.getRequest().getMethod();
		String url = entry.getRequest().getUrl();
		if (method == null || url == null || url.isBlank() || url.startsWith("$") || url.startsWith("_")) {
			return Optional.empty();
		}
		String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
		IdType id = new IdType(path);
		String type = entry.hasResource() ? entry.getResource().fhirType() : id.getResourceType();
		if (type == null || path.contains("$")) {
			return Optional.empty();
		}
		Permission permission = switch (method) {
			case POST -> Permission.CREATE;
			case PUT, PATCH -> Permission.UPDATE;
			case DELETE -> Permission.DELETE;
			case GET, HEAD -> id.hasIdPart() ? Permission.READ : Permission.SEARCH;
			default -> null;
		};
		return permission == null ? Optional.empty() : Optional.of(Map.entry(type, permission));
	}

	private static void requireScope(Caller caller, String type, Permission permission) {
		if (!caller.may(type, permission)) {
			String scope = caller.scopes().stream().findFirst().map(SmartScope::context).orElse(SmartScope.Context.SYSTEM)
					.name().toLowerCase() + "/" + type + "." + LETTERS.get(permission);
			throw new ForbiddenOperationException("Access denied: " + VERBS.get(permission) + " " + type + " needs the scope "
					+ scope + " (or one that includes it), which this token does not carry. Ask for it when requesting the "
					+ "token; the client must be registered for it");
		}
	}

	private static final Map<Permission, String> LETTERS = Map.of(Permission.CREATE, "c", Permission.READ, "r",
			Permission.UPDATE, "u", Permission.DELETE, "d", Permission.SEARCH, "s");
	private static final Map<Permission, String> VERBS = Map.of(Permission.CREATE, "creating", Permission.READ, "reading",
			Permission.UPDATE, "updating", Permission.DELETE, "deleting", Permission.SEARCH, "searching");

	/**
	 * {@code patient/} scopes reach only the resources in the compartment of the token's patient
	 * ({@link PatientOfCaller}); without a known patient they reach nothing. Other scopes read only what
	 * {@link CaseAccess} lets the caller reach; what they write is checked by {@link WriteGuard}.
	 */
	private static void addRules(IAuthRuleBuilder rules, SmartScope scope, Optional<String> patient, IAuthRuleTester reachable) {
		if (scope.context() == SmartScope.Context.PATIENT) {
			patient.ifPresent(id -> addPatientRules(rules, scope, new IdType(id)));
			return;
		}
		String name = "scope " + scope;
		if (scope.permissions().contains(Permission.READ) || scope.permissions().contains(Permission.SEARCH)) {
			on(scope, rules.allow(name).read()).withAnyId().withTester(reachable);
		}
		if (scope.permissions().contains(Permission.UPDATE)) {
			if (!scope.permissions().contains(Permission.CREATE)) {
				on(scope, rules.deny(name + " (no create)").create()).withAnyId();
			}
			on(scope, rules.allow(name).write()).withAnyId();
		} else if (scope.permissions().contains(Permission.CREATE)) {
			on(scope, rules.allow(name).create()).withAnyId();
		}
		if (scope.permissions().contains(Permission.DELETE)) {
			on(scope, rules.allow(name).delete()).withAnyId();
		}
	}

	private static void addPatientRules(IAuthRuleBuilder rules, SmartScope scope, IdType patient) {
		String name = "scope " + scope + " for " + patient.getValue();
		if (scope.permissions().contains(Permission.READ) || scope.permissions().contains(Permission.SEARCH)) {
			on(scope, rules.allow(name).read()).inCompartment("Patient", patient);
		}
		if (scope.permissions().contains(Permission.CREATE) || scope.permissions().contains(Permission.UPDATE)) {
			on(scope, rules.allow(name).write()).inCompartment("Patient", patient);
		}
	}

	private static void addOperationRules(IAuthRuleBuilder rules, Caller caller) {
		SERVICE_REQUEST_OPERATIONS.forEach((operation, permission) -> {
			if (caller.may("ServiceRequest", permission)) {
				rules.allow(operation).operation().named(operation).onInstancesOfType(ServiceRequest.class)
						.andRequireExplicitResponseAuthorization();
			}
		});
		if (caller.may("Subscription", Permission.READ)) {
			rules.allow(DELIVERY_LOG).operation().named(DELIVERY_LOG).onType(Subscription.class)
					.andRequireExplicitResponseAuthorization();
			rules.allow(DELIVERY_LOG).operation().named(DELIVERY_LOG).onInstancesOfType(Subscription.class)
					.andRequireExplicitResponseAuthorization();
		}
		if (caller.may("Patient", Permission.READ)) {
			rules.allow(EVERYTHING).operation().named(EVERYTHING).onInstancesOfType(Patient.class)
					.andRequireExplicitResponseAuthorization();
		}
		if (caller.scopes().stream().anyMatch(SmartScopeAuthorization::writes)) {
			// $validate stores nothing and returns only an OperationOutcome
			rules.allow(VALIDATE).operation().named(VALIDATE).onAnyType().andAllowAllResponses();
		}
	}

	private static boolean writes(SmartScope scope) {
		return scope.permissions().contains(Permission.CREATE) || scope.permissions().contains(Permission.UPDATE)
				|| scope.permissions().contains(Permission.DELETE);
	}

	private static <T> T on(SmartScope scope, IAuthRuleBuilderAppliesTo<T> rule) {
		Function<IAuthRuleBuilderAppliesTo<T>, T> target = SmartScope.ANY_TYPE.equals(scope.resourceType())
				? IAuthRuleBuilderAppliesTo::allResources
				: applies -> applies.resourcesOfType(scope.resourceType());
		return target.apply(rule);
	}
}
