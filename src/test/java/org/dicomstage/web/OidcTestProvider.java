package org.dicomstage.web;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.web.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.MapPropertySource;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * A real OpenID provider for the browser tests, standing in for production's Keycloak: Spring Authorization Server
 * in its own Spring context and Tomcat on a free loopback port (127.0.0.1; the application is browsed as
 * localhost, so the two sessions' cookies never meet), with the application's account names, a password login
 * form, and the client the application signs in as: client id {@code dicomstage} with a secret, authorization code
 * with PKCE required (as the realm requires {@code pkce.code.challenge.method} S256), the scopes openid, profile and
 * email, and its redirect and post-logout redirect URIs. The ID token carries {@code preferred_username}, the claim
 * the application takes the account name from (as from Keycloak).
 */
final class OidcTestProvider implements AutoCloseable {

    /** The application's registration id and client id, as in docker-compose.yml and the Keycloak realm. */
    static final String REGISTRATION_ID = "keycloak";
    static final String CLIENT_ID = "dicomstage";

    private final AnnotationConfigServletWebServerApplicationContext context;
    private final Clients clients = new Clients();
    private final Map<String, String> passwords = new LinkedHashMap<>();
    private final String clientSecret = UUID.randomUUID().toString();
    private final String baseUrl;

    private OidcTestProvider(List<String> users) {
        users.forEach(user -> passwords.put(user, UUID.randomUUID().toString()));
        context = new AnnotationConfigServletWebServerApplicationContext();
        // Not a SpringApplication: none of the application's configuration files or auto-configuration apply here.
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("oidc-provider",
                Map.of("server.address", "127.0.0.1", "server.port", "0")));
        context.registerBean(RegisteredClientRepository.class, () -> clients);
        context.registerBean(UserDetailsService.class, () -> new InMemoryUserDetailsManager(users.stream()
                .map(user -> User.withUsername(user).password("{noop}" + passwords.get(user)).build()).toList()));
        context.register(Provider.class);
        context.refresh();
        baseUrl = "http://127.0.0.1:" + context.getWebServer().getPort();
    }

    /** Starts a provider that knows these users, each with a password of its own. */
    static OidcTestProvider start(List<String> users) {
        return new OidcTestProvider(users);
    }

    String baseUrl() {
        return baseUrl;
    }

    String password(String user) {
        return passwords.get(user);
    }

    /**
     * Registers the application served at {@code appBaseUrl}: the provider accepts exactly its redirect URI and its
     * post-logout redirect URI, which carry the application's port (known once the application has started).
     */
    void registerApplication(String appBaseUrl) {
        clients.save(RegisteredClient.withId(CLIENT_ID).clientId(CLIENT_ID).clientSecret("{noop}" + clientSecret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(appBaseUrl + "/login/oauth2/code/" + REGISTRATION_ID)
                .postLogoutRedirectUri(appBaseUrl + ProviderLogout.SIGNED_OUT)
                .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE).scope(OidcScopes.EMAIL)
                .clientSettings(ClientSettings.builder().requireProofKey(true).build())
                .build());
    }

    /**
     * The application's sign-in settings for this provider, shaped as docker-compose.yml sets them for Keycloak:
     * each endpoint named (no issuer discovery), the user name from {@code preferred_username}, and the end-session
     * endpoint for signing out of the provider too.
     */
    Map<String, String> applicationSettings() {
        AuthorizationServerSettings endpoints = context.getBean(AuthorizationServerSettings.class);
        String registration = "spring.security.oauth2.client.registration." + REGISTRATION_ID + ".";
        String provider = "spring.security.oauth2.client.provider." + REGISTRATION_ID + ".";
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("dicomstage.security.mode", "oidc");
        settings.put(registration + "client-id", CLIENT_ID);
        settings.put(registration + "client-secret", clientSecret);
        settings.put(registration + "authorization-grant-type", "authorization_code");
        settings.put(registration + "scope", "openid,profile,email");
        settings.put(registration + "redirect-uri", "{baseUrl}/login/oauth2/code/{registrationId}");
        settings.put(provider + "authorization-uri", baseUrl + endpoints.getAuthorizationEndpoint());
        settings.put(provider + "token-uri", baseUrl + endpoints.getTokenEndpoint());
        settings.put(provider + "jwk-set-uri", baseUrl + endpoints.getJwkSetEndpoint());
        settings.put(provider + "user-info-uri", baseUrl + endpoints.getOidcUserInfoEndpoint());
        settings.put(provider + "user-name-attribute", "preferred_username");
        settings.put("dicomstage.security.end-session-uri", baseUrl + endpoints.getOidcLogoutEndpoint());
        return settings;
    }

    @Override
    public void close() {
        context.close();
    }

    /** Clients by id; the application's is saved once its port is known. */
    private static final class Clients implements RegisteredClientRepository {

        private final ConcurrentMap<String, RegisteredClient> byId = new ConcurrentHashMap<>();

        @Override
        public void save(RegisteredClient client) {
            byId.put(client.getId(), client);
        }

        @Override
        public RegisteredClient findById(String id) {
            return byId.get(id);
        }

        @Override
        public RegisteredClient findByClientId(String clientId) {
            return byId.values().stream().filter(c -> c.getClientId().equals(clientId)).findFirst().orElse(null);
        }
    }

    /**
     * The protocol endpoints (OpenID Connect on: discovery, user info, end session) ask a browser to sign in on the
     * login form; everything else is the login form's.
     *
     * <p>No {@code @Configuration} (nor {@code @EnableWebSecurity}, which is one): the application's contexts scan
     * this package and must not pick the provider up. Registered directly, its bean methods work all the same, and
     * SecurityAutoConfiguration turns on web security.
     */
    @ImportAutoConfiguration({ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
            WebMvcAutoConfiguration.class, SecurityAutoConfiguration.class, SecurityFilterAutoConfiguration.class})
    static class Provider {

        @Bean
        @Order(1)
        SecurityFilterChain protocol(HttpSecurity http) throws Exception {
            OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
            http.securityMatcher(server.getEndpointsMatcher())
                    .with(server, s -> s.oidc(Customizer.withDefaults()))
                    .authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint(
                            "/login"), new MediaTypeRequestMatcher(MediaType.TEXT_HTML)))
                    // The user info endpoint takes the access token it issued.
                    .oauth2ResourceServer(r -> r.jwt(Customizer.withDefaults()));
            return http.build();
        }

        @Bean
        @Order(2)
        SecurityFilterChain loginForm(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(a -> a.anyRequest().authenticated()).formLogin(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        AuthorizationServerSettings endpoints() {
            return AuthorizationServerSettings.builder().build();
        }

        @Bean
        JWKSource<SecurityContext> signingKey() throws NoSuchAlgorithmException {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                    .privateKey((RSAPrivateKey) pair.getPrivate()).keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        @Bean
        JwtDecoder accessTokens(JWKSource<SecurityContext> signingKey) {
            return OAuth2AuthorizationServerConfiguration.jwtDecoder(signingKey);
        }

        /** Keycloak's claim for the account name, which the application is configured to read. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> preferredUsername() {
            return token -> {
                if (OidcParameterNames.ID_TOKEN.equals(token.getTokenType().getValue())) {
                    token.getClaims().claim("preferred_username", token.getPrincipal().getName());
                }
            };
        }
    }
}
